internal import Crypto
internal import Dispatch
internal import Foundation

/// SHA-256 of a byte stream hashed on a second thread while the stream is still being written:
/// at 1 M residents the results CSV is about 340 MB, and building it and hashing it took about
/// the same time each on one core (0.2 s); side by side they take the longer of the two.
/// At most `depth` pieces wait, so memory stays at a few megabytes.
final class HashPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var pieces: [[UInt8]] = []
    /// Hashed pieces, reused (fresh megabyte arrays cost a page fault per page).
    private var spare: [[UInt8]] = []
    private var finished = false
    private var hasher = SHA256()
    private let depth = 8
    private let group = DispatchGroup()

    /// The consumer has a thread of its own (a dispatch worker may not be free: see `ResultsHashing`).
    init() {
        group.enter()
        Thread {
            self.consume()
            self.group.leave()
        }.start()
    }

    /// Queues a copy of `bytes`, waiting while `depth` pieces are queued.
    func push(_ bytes: UnsafeRawBufferPointer) {
        condition.lock()
        var piece = spare.popLast() ?? []
        condition.unlock()
        piece.removeAll(keepingCapacity: true)
        piece.append(contentsOf: bytes)
        condition.lock()
        while pieces.count >= depth { condition.wait() }
        pieces.append(piece)
        condition.signal()
        condition.unlock()
    }

    /// The digest of everything pushed.
    func finish() -> SHA256.Digest {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        group.wait()
        return hasher.finalize()
    }

    private func consume() {
        while true {
            condition.lock()
            while pieces.isEmpty && !finished { condition.wait() }
            if pieces.isEmpty {
                condition.unlock()
                return
            }
            let piece = pieces.removeFirst()
            condition.broadcast()
            condition.unlock()
            hasher.update(data: piece)
            condition.lock()
            spare.append(piece)
            condition.unlock()
        }
    }
}
