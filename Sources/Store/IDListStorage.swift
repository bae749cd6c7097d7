internal import Foundation
internal import GRDB

/// How a run's population ids are kept (`run_id_lists`). A list equal to one already kept is not
/// kept again (by SHA-256); a list close to the latest full list of the same subject is kept as
/// the difference from it (`base_sha256`, migration v13-id-list-deltas): a nightly 1 % change of
/// 1 M residents wrote a new 28 MB list every night (10 GB a year) and 0.2 s to each night's run.
/// A difference is always against a full list (one step to rebuild, never a chain), and a list
/// that has drifted more than a twentieth from its base is kept in full again.
///
/// Full: the ids joined by "\n". Difference: "Δ\n", then the base positions removed ("-" and the
/// position, ascending), then the new list's positions inserted ("+" position, a tab, the id,
/// ascending). Ids contain neither "\n" nor "\t".
enum IDListStorage {
    static let marker = "Δ"

    /// The blob to keep for `ids` of `subject`, and its base (nil: kept in full). `joined`: the
    /// ids joined by "\n" if already built (else built here, once).
    static func encode(_ ids: [String], subject: String, joined: [UInt8]? = nil, _ db: Database) throws -> (blob: Data, base: String?) {
        let bytes = joined ?? Array(ids.joined(separator: "\n").utf8)
        guard ids.count >= 1000, let row = try Row.fetchOne(db, sql: """
            SELECT l.sha256, l.ids FROM run_populations p JOIN run_id_lists l ON l.sha256 = p.ids_sha256
            WHERE p.subject = ? AND l.base_sha256 IS NULL ORDER BY p.run_id DESC LIMIT 1
            """, arguments: [subject]) else { return (Data(bytes), nil) }
        let data: Data = row["ids"] ?? Data()
        guard let delta = bytes.withUnsafeBytes({ new in
            data.withUnsafeBytes { base in difference(from: base, to: new, limit: ids.count / 20) }
        }) else { return (Data(bytes), nil) }
        return (Data(delta.utf8), row["sha256"])
    }

    /// The ids of a kept list.
    static func decode(_ blob: Data, base: String?, _ db: Database) throws -> [String] {
        guard let base else { return split(blob) }
        guard let row = try Row.fetchOne(db, sql: "SELECT ids, base_sha256 FROM run_id_lists WHERE sha256 = ?", arguments: [base]),
              (row["base_sha256"] as String?) == nil else {
            throw StoreError("运行的对象编号表损坏：差分所依据的编号表 \(base.prefix(12)) 不存在或不是完整的表")
        }
        let baseIDs = split(row["ids"] ?? Data())
        let text = String(decoding: blob, as: UTF8.self)
        var removed: [Int] = []
        var inserted: [(Int, String)] = []
        for line in text.split(separator: "\n").dropFirst() {
            if line.first == "-", let position = Int(line.dropFirst()) {
                removed.append(position)
            } else if line.first == "+", let tab = line.firstIndex(of: "\t"), let position = Int(line[line.index(after: line.startIndex)..<tab]) {
                inserted.append((position, String(line[line.index(after: tab)...])))
            } else {
                throw StoreError("运行的对象编号表损坏：无法读取差分行“\(line.prefix(40))”")
            }
        }
        var out: [String] = []
        out.reserveCapacity(baseIDs.count - removed.count + inserted.count)
        var r = 0, k = 0, b = 0
        while b < baseIDs.count || k < inserted.count {
            if k < inserted.count, inserted[k].0 == out.count {
                out.append(inserted[k].1)
                k += 1
            } else if b < baseIDs.count {
                if r < removed.count, removed[r] == b { r += 1 } else { out.append(baseIDs[b]) }
                b += 1
            } else {
                throw StoreError("运行的对象编号表损坏：差分的插入位置超出范围")
            }
        }
        return out
    }

    /// Removed base positions and inserted new positions, when both lists (ids joined by "\n")
    /// are in the same order (ids ascending by bytes, empty ids last, as populations are) and
    /// they differ in at most `limit` places; nil otherwise. Both are read in place, a line at a
    /// time: no string per id (splitting a million ids into strings made the difference slower
    /// than the write, and walking the new list's strings was a tenth of a nightly run's save).
    static func difference(from base: UnsafeRawBufferPointer, to new: UnsafeRawBufferPointer, limit: Int) -> String? {
        var removed: [String] = [], inserted: [String] = []
        var basePosition = 0, newPosition = 0  // of the next line of each
        var i = 0, j = 0
        var line = nextLine(base, &basePosition)
        var id = nextLine(new, &newPosition)
        var previous: UnsafeRawBufferPointer? = nil
        while line != nil || id != nil {
            if let current = id, let before = previous, order(current, before) < 0 { return nil }  // not in order
            let c: Int
            if let current = line, let next = id {
                c = order(current, next)
            } else {
                c = line == nil ? 1 : -1
            }
            if c == 0 {
                previous = id
                i += 1
                j += 1
                line = nextLine(base, &basePosition)
                id = nextLine(new, &newPosition)
            } else if c < 0 {
                removed.append("-\(i)")
                i += 1
                line = nextLine(base, &basePosition)
            } else {
                inserted.append("+\(j)\t" + String(decoding: id ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self))
                previous = id
                j += 1
                id = nextLine(new, &newPosition)
            }
            if removed.count + inserted.count > limit { return nil }
        }
        return ([marker] + removed + inserted).joined(separator: "\n")
    }

    /// The next "\n"-separated line of `raw` from `position` (nil past the end).
    private static func nextLine(_ raw: UnsafeRawBufferPointer, _ position: inout Int) -> UnsafeRawBufferPointer? {
        guard position <= raw.count, !raw.isEmpty else { return nil }
        let start = position
        var end = start
        while end < raw.count, raw[end] != 0x0A { end += 1 }
        position = end + 1
        return UnsafeRawBufferPointer(rebasing: raw[start..<end])
    }

    /// Bytes order, empty last.
    private static func order(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        if a.isEmpty != b.isEmpty { return a.isEmpty ? 1 : -1 }
        for k in 0..<min(a.count, b.count) where a[k] != b[k] { return a[k] < b[k] ? -1 : 1 }
        return a.count - b.count
    }

    static func split(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        return text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
