internal import Datasets
internal import Foundation
internal import GRDB

/// The review items a run opens, stored together: one `review_segments` row per policy and run
/// holds its new items' entity ids (ascending), inputs hashes (32 bytes each) and missing fields
/// as column blobs, their item ids the range `firstItem ..< firstItem + count`. A first run at
/// 1 M residents opens 142 k items: as rows of their own (and two indexes) that was 0.45 s and
/// 40 MB of a 1.8 s run; as segments it is a few MB written at once.
///
/// An item stays in its segment until something happens to it (a decision, new inputs): then it
/// becomes a `review_items` row with the same id, which from then on is the item (the segment's
/// entry is shadowed). Readers see one set of items either way (`ProfileStore+Reviews`).
struct ReviewSegment {
    var policyID: String
    var subject: String
    var firstItem: Int64
    var entities: [String]
    /// 32 bytes per item.
    var digests: [UInt8]
    var missing: [String?]
    var needsAmount: Bool
    var openedRun: Int64
    var openedAt: String

    var count: Int { entities.count }
    var items: Range<Int64> { firstItem ..< firstItem + Int64(count) }

    static let columns = "policy_id, subject, first_item, entities, digests, missing, needs_amount, opened_run, opened_at"

    /// A stored segment; nil (the store is damaged) when its entity list does not decode. A
    /// digest blob of the wrong size reads as zeros (no inputs hash to them: each item is bound
    /// to its current inputs by the next run), missing fields that do not decode as none.
    init?(_ row: Row) {
        let entities: Data = row[3] ?? Data()
        let digests: Data = row[4] ?? Data()
        let missing: Data = row[5] ?? Data()
        guard let list = entities.withUnsafeBytes({ ColumnCacheCodec.decodeTexts($0) }) else { return nil }
        policyID = row[0]
        subject = row[1]
        firstItem = row[2]
        self.entities = list.map { $0 ?? "" }
        self.digests = digests.count == 32 * list.count ? [UInt8](digests) : [UInt8](repeating: 0, count: 32 * list.count)
        let decoded = missing.withUnsafeBytes { ColumnCacheCodec.decodeCodedTexts($0) }
        self.missing = decoded?.count == list.count ? decoded ?? [] : [String?](repeating: nil, count: list.count)
        needsAmount = row[6]
        openedRun = row[7]
        openedAt = row[8]
    }

    /// Entry `index` as an open item.
    func item(_ index: Int) -> ReviewItem {
        let fields = missing[index] ?? ""
        return ReviewItem(
            id: firstItem + Int64(index), policyID: policyID, subject: subject, entityID: entities[index],
            inputsSHA256: Hex.lowercase(digests[32 * index ..< 32 * index + 32]),
            missing: fields.isEmpty ? [] : fields.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), needsAmount: needsAmount, status: .open,
            openedRun: openedRun, lastRun: openedRun, openedAt: openedAt
        )
    }

    /// The entry of `entity` (binary search: entities ascend).
    func index(of entity: String) -> Int? {
        var low = 0, high = entities.count
        while low < high {
            let mid = (low + high) / 2
            if entities[mid] < entity { low = mid + 1 } else { high = mid }
        }
        return low < entities.count && entities[low] == entity ? low : nil
    }

    // MARK: Store

    /// Stores `openings` as a segment whose items are `firstItem...`.
    static func insert(_ openings: ReviewOpenings, firstItem: Int64, run: Int64, at now: String, _ db: Database) throws {
        let missing = ColumnCacheCodec.encode(present: openings.missing, kind: 4, dictionary: openings.missingLists)
        try db.execute(
            sql: "INSERT INTO review_segments (\(Self.columns), count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                openings.policyID, openings.subject, firstItem, Data(ColumnCacheCodec.encode(texts: openings.entityIDs)),
                Data(openings.digests), Data(missing), openings.needsAmount, run, now, openings.count,
            ]
        )
    }

    /// The segments of `policy` (nil: all), in item order.
    static func read(_ db: Database, policy: String? = nil) throws -> [ReviewSegment] {
        let filter = policy == nil ? "" : "WHERE policy_id = ?"
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM review_segments \(filter) ORDER BY first_item",
            arguments: policy.map { [$0] } ?? []
        )
        return try rows.map { row in
            guard let segment = ReviewSegment(row) else {
                throw StoreError("复核事项分段（政策 \(row[0] as String? ?? "")，事项 \(row[2] as Int64? ?? 0) 起）已损坏，无法读取；请从备份恢复数据库。")
            }
            return segment
        }
    }

    /// The segment holding item `id`, if any.
    static func holding(_ id: Int64, _ db: Database) throws -> ReviewSegment? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(columns), count FROM review_segments WHERE first_item <= ? ORDER BY first_item DESC LIMIT 1",
            arguments: [id]
        ) else { return nil }
        let count: Int64 = row[9]
        guard id < (row[2] as Int64) + count else { return nil }
        guard let segment = ReviewSegment(row) else {
            throw StoreError("复核事项 \(id) 所在的分段已损坏，无法读取；请从备份恢复数据库。")
        }
        return segment
    }

    /// The id the next new item gets: above every row and every segment's range.
    static func nextItemID(_ db: Database) throws -> Int64 {
        let rows = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM review_items") ?? 0
        let segments = try Int64.fetchOne(db, sql: "SELECT MAX(first_item + count - 1) FROM review_segments") ?? 0
        return max(rows, segments) + 1
    }

    /// Ids of items that became rows, within `range` (they shadow their segment entries).
    static func materialized(in range: Range<Int64>, _ db: Database) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: "SELECT id FROM review_items WHERE id >= ? AND id < ?", arguments: [range.lowerBound, range.upperBound]))
    }
}
