internal import Foundation

/// One node's vector over the rows of a frame: a validity (for booleans: is-known) bitmap, the
/// truth bitmap of booleans, integers (fixed-point units, days, text codes) or decimals. Reused
/// from chunk to chunk: buffers only grow.
final class Slot {
    var valid: [UInt64] = []
    var truth: [UInt64] = []
    var ints: [Int64] = []
    var decs: [Decimal] = []
    /// Denominators of a quotient.
    var dens: [Int64] = []

    /// Sizes the buffers the kind needs for `count` rows (contents unspecified).
    func prepare(_ kind: SlotKind, count: Int) {
        let words = (count + 63) >> 6
        resize(&valid, words, 0)
        switch kind {
        case .bool: resize(&truth, words, 0)
        case .decimal: resize(&decs, count, Decimal())
        case .fixed, .date, .code: resize(&ints, count, 0)
        case .quotient:
            resize(&ints, count, 0)
            resize(&dens, count, 1)
        case .list, .unknown: break
        }
    }

    private func resize<T>(_ array: inout [T], _ count: Int, _ zero: T) {
        if array.count < count { array.append(contentsOf: repeatElement(zero, count: count - array.count)) }
    }
}

/// The rows one evaluation pass works on: a chunk of entities, or the related records (household
/// members, licences) of that chunk's entities.
final class Frame {
    var count = 0
    var words: Int { (count + 63) >> 6 }
    var slots: [Slot?]
    /// Rows whose fixed-point arithmetic overflowed: evaluated by the reference evaluator instead.
    var escape: [UInt64] = []
    /// Related frames: each row's record (index into the related table) and its entity (index
    /// within the chunk); `segments[e] ..< segments[e + 1]` are the rows of entity `e`.
    var tableRows: [Int32] = []
    var parents: [Int32] = []
    var segments: [Int32] = []

    init(nodeCount: Int) {
        slots = Array(repeating: nil, count: nodeCount)
    }

    func slot(_ node: Int) -> Slot {
        if let slot = slots[node] { return slot }
        let slot = Slot()
        slots[node] = slot
        return slot
    }

    func reset(count: Int) {
        self.count = count
        escape = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }
}

@inline(__always)
func bit(_ words: UnsafeBufferPointer<UInt64>, _ i: Int) -> Bool {
    words[i >> 6] & (1 << UInt64(i & 63)) != 0
}

@inline(__always)
func setBit(_ words: UnsafeMutableBufferPointer<UInt64>, _ i: Int) {
    words[i >> 6] |= 1 << UInt64(i & 63)
}

@inline(__always)
func bit(_ words: [UInt64], _ i: Int) -> Bool {
    words[i >> 6] & (1 << UInt64(i & 63)) != 0
}

/// Clears the bits past `count` in the last word.
@inline(__always)
func maskTail(_ words: inout [UInt64], count: Int) {
    let extra = count & 63
    if extra != 0, (count >> 6) < words.count { words[count >> 6] &= (1 << UInt64(extra)) - 1 }
}
