// Prints the metadata @huggingface/gguf reads from each GGUF file given on
// the command line, as one JSON object keyed by path:
//   {path: {version, tensor_count, kv_count, scalars: {key: value}, arrays: {key: length}}}
// 64-bit integers (BigInt) are printed as {"bigint": "decimal"}.
// Used by TestGGUFCrossCheck in ../../crosscheck_test.go.
import { gguf } from "@huggingface/gguf";

const out = {};
for (const path of process.argv.slice(2)) {
	const { metadata } = await gguf(path, { allowLocalFile: true });
	const entry = {
		version: metadata.version,
		tensor_count: String(metadata.tensor_count),
		kv_count: String(metadata.kv_count),
		scalars: {},
		arrays: {},
	};
	for (const [key, value] of Object.entries(metadata)) {
		if (key === "version" || key === "tensor_count" || key === "kv_count") {
			continue;
		}
		if (Array.isArray(value)) {
			entry.arrays[key] = value.length;
		} else if (typeof value === "bigint") {
			entry.scalars[key] = { bigint: value.toString() };
		} else {
			entry.scalars[key] = value;
		}
	}
	out[path] = entry;
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
