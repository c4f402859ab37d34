package profile

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// ModelFacts are what a scan knows about a model's modalities.
type ModelFacts struct {
	// Config is config.json decoded as JSON (nil when absent or
	// malformed).
	Config map[string]any
	// Files are the repository's file paths.
	Files []string
	// PipelineTag and Tags come from the model card.
	PipelineTag string
	Tags        []string
}

// multimodalConfigKeys in config.json mean the model has a non-text
// encoder (vision tower, image or audio configuration).
var multimodalConfigKeys = []string{
	"vision_config", "vision_tower", "mm_vision_tower", "vision_encoder", "visual",
	"audio_config", "speech_config", "image_token_index", "image_token_id",
	"vision_feature_layer", "mm_projector_type", "video_token_id", "audio_token_id",
}

// textSeq2Seq are conditional-generation architectures that read and write
// text only (T5, BART and their kin).
var textSeq2Seq = []string{"t5", "mt5", "umt5", "longt5", "bart", "mbart", "pegasus", "marian", "led", "prophetnet", "blenderbot", "fsmt", "bigbirdpegasus", "plbart", "nllb", "m2m100", "switchtransformers"}

// processorFiles hold image, video or audio preprocessing settings.
var processorFiles = []string{"preprocessor_config.json", "processor_config.json", "image_processor_config.json", "video_preprocessor_config.json", "feature_extractor_config.json"}

// multimodalTags mark a model that takes or produces more than text.
var multimodalTags = []string{"image-text-to-text", "visual-question-answering", "image-to-text", "text-to-image", "vision", "multimodal", "video-text-to-text", "any-to-any", "audio-text-to-text", "mllama", "llava", "automatic-speech-recognition", "text-to-speech", "text-to-audio", "image-to-image"}

// textOnlyTags mark a text-only model when nothing else says otherwise.
var textOnlyTags = []string{"text-generation", "text2text-generation", "text-classification", "fill-mask", "feature-extraction", "token-classification", "question-answering", "summarization", "translation"}

// Multimodal decides whether a model is multimodal (the scope of the Llama
// 3.2 and Llama 4 EU clause) from its config.json (a vision tower, a
// vision or audio config, a conditional-generation architecture that is
// not a text-to-text one), its processor files and its card's
// pipeline_tag and tags. Config and processor evidence outrank the card:
// a Llama 4 card tagged text-generation with a vision config is
// multimodal. It returns nil when nothing says either way, and the
// evidence it decided on.
func Multimodal(f ModelFacts) (*bool, string) {
	yes, no := true, false
	var why []string
	if f.Config != nil {
		var keys []string
		collectKeys(f.Config, 0, &keys)
		sort.Strings(keys)
		for _, k := range keys {
			why = append(why, "config.json has "+k)
		}
		for _, a := range architectures(f.Config) {
			la := strings.ToLower(a)
			if strings.Contains(la, "conditionalgeneration") && !isTextSeq2Seq(la) ||
				strings.Contains(la, "vision") || strings.Contains(la, "imagetexttotext") || strings.Contains(la, "llava") {
				why = append(why, "config.json architecture "+a)
			}
		}
	}
	for _, p := range f.Files {
		b := strings.ToLower(path.Base(p))
		for _, pf := range processorFiles {
			if b == pf {
				why = append(why, "processor file "+p)
			}
		}
	}
	if len(why) > 0 {
		return &yes, strings.Join(why, "; ")
	}
	for _, t := range append([]string{f.PipelineTag}, f.Tags...) {
		lt := strings.ToLower(t)
		for _, m := range multimodalTags {
			if lt != "" && strings.Contains(lt, m) {
				return &yes, fmt.Sprintf("card tag %q", t)
			}
		}
	}
	for _, t := range append([]string{f.PipelineTag}, f.Tags...) {
		for _, m := range textOnlyTags {
			if strings.EqualFold(t, m) {
				return &no, fmt.Sprintf("card tag %q and no vision or audio config or processor", t)
			}
		}
	}
	return nil, ""
}

// collectKeys finds the multimodal keys at the top level of the config
// and one level down (a text_config beside a vision_config).
func collectKeys(m map[string]any, depth int, out *[]string) {
	for k, v := range m {
		for _, mk := range multimodalConfigKeys {
			if k == mk && v != nil {
				*out = append(*out, k)
			}
		}
		if sub, ok := v.(map[string]any); ok && depth == 0 {
			collectKeys(sub, 1, out)
		}
	}
}

func architectures(m map[string]any) []string {
	var out []string
	if as, ok := m["architectures"].([]any); ok {
		for _, a := range as {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func isTextSeq2Seq(arch string) bool {
	a := strings.TrimSuffix(arch, "forconditionalgeneration")
	for _, t := range textSeq2Seq {
		if a == t {
			return true
		}
	}
	return false
}
