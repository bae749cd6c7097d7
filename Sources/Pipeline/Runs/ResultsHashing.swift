internal import Dispatch
internal import Evaluation
internal import Foundation

/// The SHA-256 of a decided result's `results --all --format csv`, computed on its own thread
/// from the moment it is made: the run encodes, opens review items and writes while it runs,
/// and waits for it only when the ledger row needs it (at the end of the save).
final class ResultsHashing: @unchecked Sendable {
    private let group = DispatchGroup()
    /// Written once by the hashing thread before it leaves `group`; read only after waiting.
    private var digest = ""

    /// On a thread of its own, not a dispatch worker: the run's other work (`parallelMap`, the
    /// store's writer queue waiting for this very hash) can hold every worker, and a hash queued
    /// behind them finished a second late.
    init(_ decided: BatchResult, ids: [String: IDBytes]) {
        group.enter()
        Thread {
            self.digest = ResultsExport.sha256(decided, ids: ids)
            self.group.leave()
        }.start()
    }

    /// The hex digest (waits until it is known).
    @Sendable func wait() -> String {
        group.wait()
        return digest
    }
}
