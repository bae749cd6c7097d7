// The Outputs module: documents a run produces for people (applications, reports, reminders).
// It renders the values Pipeline hands it and never reads the store itself.

/// The version of the output formats, written into generated files so a reader can tell them apart.
public enum OutputsFormat {
    public static let version = "1"
}
