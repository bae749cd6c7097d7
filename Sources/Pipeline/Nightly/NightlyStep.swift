public import Diagnostics

/// One step of the night: a ledger name, a Chinese label, and its work. A step must be safe to
/// run again after a crash at any moment: it either finds what a crashed attempt committed
/// (`before` is what its first attempt saw) or redoes work whose repetition changes nothing.
public struct NightlyStep {
    /// The key in the nightly ledger (`import-1`, `run`, `grants`, …).
    public var name: String
    /// For people: 导入 1（居民 residents.csv）, 批量评估, ….
    public var label: String
    /// What the step notes when it first starts (e.g. the latest run id), or nil.
    public var before: (NightlyContext) throws -> String?
    /// The work; `before` is the value noted by the step's first attempt this night.
    public var body: (NightlyContext, _ before: String?) async throws -> NightlyOutcome

    public init(
        name: String, label: String, before: @escaping (NightlyContext) throws -> String? = { _ in nil },
        body: @escaping (NightlyContext, _ before: String?) async throws -> NightlyOutcome
    ) {
        self.name = name
        self.label = label
        self.before = before
        self.body = body
    }
}

/// What a step did: `produced` is recorded in the ledger (`run 12`, `import 5`); `message` is
/// for people; `problem` lets the night finish but exit with that category (e.g. 69 when the
/// gateway failed for some messages, 1 when some applications failed validation).
public struct NightlyOutcome: Sendable {
    public var produced: String?
    public var message: String
    public var problem: ErrorCategory?

    public init(produced: String? = nil, message: String, problem: ErrorCategory? = nil) {
        self.produced = produced
        self.message = message
        self.problem = problem
    }
}

/// A step that stops the night: recorded as failed, the process exits with `category`.
public struct NightlyStepError: CategorizedError, CustomStringConvertible, Sendable {
    public var message: String
    public var category: ErrorCategory

    public init(_ message: String, category: ErrorCategory) {
        self.message = message
        self.category = category
    }

    public var description: String { message }
}
