package scanner

import (
	"context"
	"sync"
)

// Each calls fn for i in [0,n) on at most workers goroutines and returns
// when every call has returned. Calls not yet started when ctx is done are
// still made (with the done ctx), so fn can record the cancellation.
func Each(ctx context.Context, n, workers int, fn func(ctx context.Context, i int)) {
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				fn(ctx, i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}
