// Package cdx is the part of the CycloneDX 1.6 JSON BOM that carveout
// writes: machine-learning-model components with their licenses, evidence,
// model card and pedigree, and carveout:* properties.
//
// The types, their field order and JSON names are those of
// github.com/CycloneDX/cyclonedx-go, which carveout used before; they are
// kept here because that module's encoder copies every BOM through
// encoding/gob and pulls in encoding/gob and encoding/xml, whose package
// initialization every carveout run paid for (about 0.5 ms of CPU and
// 40 page faults). A license, a tool list and a dataset are marshaled on
// their own with json.Marshal, as cyclonedx-go's MarshalJSON methods did, so
// their strings keep its HTML escaping byte for byte.
package cdx

import (
	"encoding/json"
	"errors"
	"io"
)

// The format, the version written and its JSON schema.
const (
	BOMFormat   = "CycloneDX"
	SpecVersion = "1.6"
	Schema      = "http://cyclonedx.org/schema/bom-1.6.schema.json"
)

type BOM struct {
	JSONSchema   string       `json:"$schema,omitempty"`
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber,omitempty"`
	Version      int          `json:"version"`
	Metadata     *Metadata    `json:"metadata,omitempty"`
	Components   *[]Component `json:"components,omitempty"`
}

// NewBOM returns an empty CycloneDX 1.6 BOM, version 1.
func NewBOM() *BOM {
	return &BOM{JSONSchema: Schema, BOMFormat: BOMFormat, SpecVersion: SpecVersion, Version: 1}
}

// Encode writes bom as indented JSON, without HTML escaping outside
// licenses, tools and datasets (see the package comment).
func Encode(w io.Writer, bom *BOM) error {
	if bom.Components != nil && len(*bom.Components) == 0 {
		// cyclonedx-go's gob copy dropped an empty list.
		c := *bom
		c.Components = nil
		bom = &c
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(bom)
}

type Metadata struct {
	Timestamp  string      `json:"timestamp,omitempty"`
	Tools      *Tools      `json:"tools,omitempty"`
	Properties *[]Property `json:"properties,omitempty"`
}

// Tools is the metadata's tool list (the 1.5+ form: an object of
// components).
type Tools struct {
	Components *[]Component `json:"components,omitempty"`
}

func (t Tools) MarshalJSON() ([]byte, error) {
	type plain Tools
	return json.Marshal(plain(t))
}

type ComponentType string

const (
	ComponentTypeApplication          ComponentType = "application"
	ComponentTypeMachineLearningModel ComponentType = "machine-learning-model"
)

type Component struct {
	BOMRef             string               `json:"bom-ref,omitempty"`
	Type               ComponentType        `json:"type"`
	Name               string               `json:"name"`
	Version            string               `json:"version,omitempty"`
	Licenses           *Licenses            `json:"licenses,omitempty"`
	PackageURL         string               `json:"purl,omitempty"`
	Pedigree           *Pedigree            `json:"pedigree,omitempty"`
	ExternalReferences *[]ExternalReference `json:"externalReferences,omitempty"`
	Properties         *[]Property          `json:"properties,omitempty"`
	Evidence           *Evidence            `json:"evidence,omitempty"`
	ModelCard          *MLModelCard         `json:"modelCard,omitempty"`
}

type Licenses []LicenseChoice

type LicenseChoice struct {
	License *License `json:"license,omitempty"`
}

type LicenseAcknowledgement string

const (
	LicenseAcknowledgementDeclared  LicenseAcknowledgement = "declared"
	LicenseAcknowledgementConcluded LicenseAcknowledgement = "concluded"
)

type License struct {
	ID              string                 `json:"id,omitempty"`
	Name            string                 `json:"name,omitempty"`
	Acknowledgement LicenseAcknowledgement `json:"acknowledgement,omitempty"`
	URL             string                 `json:"url,omitempty"`
	Licensing       *Licensing             `json:"licensing,omitempty"`
	Properties      *[]Property            `json:"properties,omitempty"`
}

func (l License) MarshalJSON() ([]byte, error) {
	if l.ID != "" && l.Name != "" {
		return nil, errors.New("license must have either id or name, not both")
	}
	if l.ID == "" && l.Name == "" {
		return nil, errors.New("license must have either id or name")
	}
	type plain License
	return json.Marshal(plain(l))
}

type Licensing struct {
	Licensor *OrganizationalEntityOrContact `json:"licensor,omitempty"`
}

type OrganizationalEntityOrContact struct {
	Organization *OrganizationalEntity `json:"organization,omitempty"`
}

type OrganizationalEntity struct {
	Name string `json:"name"`
}

type Pedigree struct {
	Ancestors *[]Component `json:"ancestors,omitempty"`
}

type ExternalReferenceType string

const (
	ERTypeDistribution ExternalReferenceType = "distribution"
	ERTypeWebsite      ExternalReferenceType = "website"
)

type ExternalReference struct {
	URL  string                `json:"url"`
	Type ExternalReferenceType `json:"type"`
}

type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type Evidence struct {
	Occurrences *[]EvidenceOccurrence `json:"occurrences,omitempty"`
	Licenses    *Licenses             `json:"licenses,omitempty"`
}

type EvidenceOccurrence struct {
	Location          string `json:"location,omitempty"`
	Line              *int   `json:"line,omitempty"`
	AdditionalContext string `json:"additionalContext,omitempty"`
}

type MLModelCard struct {
	ModelParameters *MLModelParameters `json:"modelParameters,omitempty"`
}

type MLModelParameters struct {
	Task     string             `json:"task,omitempty"`
	Datasets *[]MLDatasetChoice `json:"datasets,omitempty"`
}

// MLDatasetChoice is a dataset of the model card, given inline.
type MLDatasetChoice struct {
	ComponentData *ComponentData
}

func (d MLDatasetChoice) MarshalJSON() ([]byte, error) {
	if d.ComponentData == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(d.ComponentData)
}

type ComponentDataType string

const ComponentDataTypeDataset ComponentDataType = "dataset"

type ComponentData struct {
	Type     ComponentDataType      `json:"type,omitempty"`
	Name     string                 `json:"name,omitempty"`
	Contents *ComponentDataContents `json:"contents,omitempty"`
}

type ComponentDataContents struct {
	Properties *[]Property `json:"properties,omitempty"`
}
