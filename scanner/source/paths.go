package source

import (
	"fmt"
	"path/filepath"
)

// HomeDir is the user's home folder from the environment ($HOME, else
// $USERPROFILE), "" when neither is set. Sources that default to a folder
// under it (the HF cache, the Ollama store, the Docker config) share it.
func HomeDir(getenv func(string) string) string {
	if home := getenv("HOME"); home != "" {
		return home
	}
	return getenv("USERPROFILE")
}

// underHome joins elem to the home folder, "" when there is none.
func underHome(getenv func(string) string, elem ...string) string {
	home := HomeDir(getenv)
	if home == "" {
		return ""
	}
	return filepath.Join(append([]string{home}, elem...)...)
}

// licenseLayerName is the file name a registry or store source gives the
// i-th (0-based) of n license layers: LICENSE, or LICENSE-1, LICENSE-2…
// when there are several (a license and its use policy).
func licenseLayerName(i, n int) string {
	if n == 1 {
		return "LICENSE"
	}
	return fmt.Sprintf("LICENSE-%d", i+1)
}
