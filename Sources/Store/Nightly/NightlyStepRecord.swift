/// One step of one night in the nightly ledger.
public struct NightlyStepRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case started, done, failed
    }

    public var night: String
    public var position: Int
    public var step: String
    public var status: Status
    /// How many times the step was started (more than one after a crash or a failure).
    public var attempts: Int
    public var startedAt: String
    public var finishedAt: String?
    /// What the step saw when it (last) started, for recognising its own committed work.
    public var before: String?
    /// What it produced, e.g. `run 3` or `import 5`.
    public var produced: String?
    public var message: String?
    /// The exit code of a problem the step finished with (the night completed, but not cleanly).
    public var problem: Int32? = nil
}
