package profile

import (
	"encoding/json"
	"testing"
)

func TestMultimodal(t *testing.T) {
	cfg := func(s string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	yes, no := true, false
	for _, c := range []struct {
		name string
		f    ModelFacts
		want *bool
	}{
		{"llama 4 tagged text-generation with a vision config", ModelFacts{
			Config:      cfg(`{"architectures":["Llama4ForConditionalGeneration"],"text_config":{"hidden_size":5120},"vision_config":{"image_size":336}}`),
			PipelineTag: "text-generation"}, &yes},
		{"vision tower", ModelFacts{Config: cfg(`{"architectures":["LlavaLlamaForCausalLM"],"mm_vision_tower":"openai/clip"}`)}, &yes},
		{"audio config nested", ModelFacts{Config: cfg(`{"thinker_config":{"audio_config":{"d_model":1280}}}`)}, &yes},
		{"conditional generation architecture", ModelFacts{Config: cfg(`{"architectures":["Gemma3ForConditionalGeneration"]}`)}, &yes},
		{"t5 is text to text", ModelFacts{Config: cfg(`{"architectures":["T5ForConditionalGeneration"]}`), PipelineTag: "text2text-generation"}, &no},
		{"processor file", ModelFacts{Files: []string{"config.json", "preprocessor_config.json"}}, &yes},
		{"card tag only", ModelFacts{PipelineTag: "image-text-to-text"}, &yes},
		{"text model", ModelFacts{Config: cfg(`{"architectures":["LlamaForCausalLM"]}`), PipelineTag: "text-generation"}, &no},
		{"nothing known", ModelFacts{Config: cfg(`{"architectures":["LlamaForCausalLM"]}`)}, nil},
		{"null vision config is none", ModelFacts{Config: cfg(`{"vision_config":null}`), PipelineTag: "text-generation"}, &no},
	} {
		got, why := Multimodal(c.f)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("%s: Multimodal = %v (%s), want %v", c.name, boolOf(got), why, boolOf(c.want))
		}
		if got != nil && why == "" {
			t.Errorf("%s: no evidence given", c.name)
		}
	}
}

func boolOf(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
