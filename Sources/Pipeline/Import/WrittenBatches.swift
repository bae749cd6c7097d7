internal import Datasets
internal import Foundation
internal import Store

/// What follows a batch once it is written, on a thread of its own: its rows go into a first
/// load's engine columns (`ImportWriter.engineColumns`), and its values are freed there. The
/// writing thread is the import's slowest (when batches were `[FieldValue]`, freeing a million
/// rows' strings cost it about 0.8 s; perf, 1 M residents); the hand-over is bounded, so memory
/// stays flat.
final class WrittenBatches: @unchecked Sendable {
    private let channel = RowChannel<FlatValues>(capacity: 4)
    private let done = DispatchGroup()

    init(columns: EngineColumnCollector?, width: Int) {
        done.enter()
        let channel = channel, done = done
        let thread = Thread {
            while let values = channel.next() { columns?.append(values, width: width) }
            done.leave()
        }
        thread.name = "mianshen-import-written"
        thread.start()
    }

    /// A written batch's values (flat, `width` per row). The caller drops its own reference
    /// right after, so that the last one, which frees the rows, is the thread's.
    func hand(_ values: FlatValues) {
        _ = channel.put(values)
    }

    /// After the last batch, or on failure: every batch handed over is taken in before this
    /// returns (the engine columns are complete), and the thread ends.
    func finish() {
        channel.cancel()
        done.wait()
    }
}
