package cli

// versionString is hark's version as the journal, exports and ngrok's
// client info name it.
func versionString() string {
	if build.Version != "" {
		return build.Version
	}
	return "dev"
}
