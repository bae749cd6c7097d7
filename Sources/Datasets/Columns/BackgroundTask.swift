internal import Dispatch
internal import Foundation

/// Work started now on a thread of its own (not a dispatch worker, which the run's
/// `parallelMap`s may all hold), its value or error taken later.
public final class BackgroundTask<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    /// Written once by the task's thread before it leaves `group`; read only after waiting.
    private var result: Result<Value, any Error>?

    public init(_ work: @escaping @Sendable () throws -> Value) {
        group.enter()
        Thread {
            self.result = Result { try work() }
            self.group.leave()
        }.start()
    }

    /// The task's value (waits until it is done), or its error.
    public func value() throws -> Value {
        group.wait()
        guard let result else { throw CancellationError() }
        return try result.get()
    }
}

extension BackgroundTask where Value == String {
    /// The results hash the task computes (it cannot fail).
    @Sendable public func digest() -> String { (try? value()) ?? "" }
}
