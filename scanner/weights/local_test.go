package weights

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
)

// firstReads records the size of each read asked of it.
type firstReads struct {
	data  []byte
	local bool
	asked []int64
}

func (f *firstReads) ReadRange(_ context.Context, off, n int64) ([]byte, error) {
	f.asked = append(f.asked, n)
	end := min(off+n, int64(len(f.data)))
	return f.data[off:end], nil
}

func (f *firstReads) Local() bool { return f.local }

// A local file is read in small first steps (a system call each); a remote
// one with one large first read (a round trip holds most headers). Both
// read the same header.
func TestFirstReadLocalOrRemote(t *testing.T) {
	hdr := []byte(`{"__metadata__":{"license":"mit"},"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`)
	file := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	file = append(append(file, hdr...), bytes.Repeat([]byte{0}, 1<<20)...)
	for _, local := range []bool{true, false} {
		r := &firstReads{data: file, local: local}
		h, err := ReadSafetensors(context.Background(), r, int64(len(file)))
		if err != nil || h.Metadata["license"] != "mit" {
			t.Fatalf("local %v: %v %+v", local, err, h)
		}
		want := int64(firstChunk)
		if local {
			want = localFirstChunk
		}
		if len(r.asked) != 1 || r.asked[0] != want {
			t.Errorf("local %v: reads of %v bytes, want one of %d", local, r.asked, want)
		}
	}
}
