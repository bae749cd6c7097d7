@testable import Store
import XCTest

/// The stored rows' keys (`SlotKeys`) are kept in 8 bytes each when every one is a 身份证号
/// (`DigitKey`), in 24 otherwise, and either way each present slot's key is found by its bytes
/// and given back as it was; a snapshot's keys read piece by piece (`SlotKeysBuilder`) end the
/// same as all at once.
final class SlotKeysTests: XCTestCase {
    private func compact(_ key: String) throws -> CompactKey { try XCTUnwrap(CompactKey(key)) }

    private func digit(_ key: String) -> DigitKey? {
        Array(key.utf8).withUnsafeBytes { DigitKey(bytes: $0) }
    }

    private func slot(_ keys: SlotKeys, _ key: String, after previous: Int = -1) -> Int32? {
        Array(key.utf8).withUnsafeBytes { keys.slot(of: $0, after: previous) }
    }

    func testADigitKeyIsAResidentIDNumberOneToOne() throws {
        for key in ["110101199003070019", "11010119900307001X", "000000000000000000", "99999999999999999X"] {
            let made = try XCTUnwrap(digit(key), key)
            XCTAssertEqual(made.withBytes { String(decoding: $0, as: UTF8.self) }, key)
            XCTAssertEqual(DigitKey(try compact(key)), made)
        }
        XCTAssertNotEqual(digit("110101199003070019"), digit("110101199003070010"))
        XCTAssertNotEqual(digit("11010119900307001X"), digit("110101199003070010"), "X is its own check value")
        for other in ["11010119900307001x", "11010119900307001", "1101011990030700190", "A10101199003070019", "1101011990030700X9", ""] {
            XCTAssertNil(digit(other), other)
        }
        XCTAssertEqual(DigitKey.empty.withBytes { $0.count }, 0)
    }

    /// Slot 2 is empty; the others hold `keys`.
    private func table(_ keys: [String]) throws -> (SlotKeys, [CompactKey]) {
        var all = try keys.map(compact)
        all.insert(CompactKey(), at: 2)
        return (SlotKeys(all) { $0 != 2 }, all)
    }

    func testEveryPresentKeyIsFoundAndGivenBackInEitherForm() throws {
        let ids = (0..<200).map { String(format: "4101031990%07d", $0) + ($0 % 11 == 0 ? "X" : String($0 % 10)) }
        let (digits, digitKeys) = try table(ids)
        XCTAssertTrue(digits.areDigits)
        let (mixed, mixedKeys) = try table(ids + ["91410103MA00000011"])
        XCTAssertFalse(mixed.areDigits, "a key of another form: 24 bytes each")
        for (keys, all) in [(digits, digitKeys), (mixed, mixedKeys)] {
            for (index, key) in all.enumerated() where index != 2 {
                XCTAssertEqual(slot(keys, key.string).map(Int.init), index)
                XCTAssertEqual(slot(keys, key.string, after: index - 1).map(Int.init), index, "the next slot first")
                XCTAssertEqual(slot(keys, key.string, after: index + 5).map(Int.init), index, "a wrong hint")
                XCTAssertEqual(keys.compact(at: index), key)
            }
            XCTAssertEqual(keys.compact(at: 2), CompactKey())
            XCTAssertNil(slot(keys, "410103199099999990"))
            XCTAssertNil(slot(keys, "41010319900000000x"), "lower-case x is another key")
            XCTAssertNil(slot(keys, ""), "the empty slot holds no key")
        }
        XCTAssertEqual(slot(mixed, "91410103MA00000011").map(Int.init), ids.count + 1)
        XCTAssertNil(slot(digits, "91410103MA00000011"))
    }

    func testASnapshotsKeysReadPieceByPieceEndAsAllAtOnce() throws {
        let ids = (0..<300).map { String(format: "4101031990%08d", $0) }
        for other in [nil, 0, 150, 299] as [Int?] {
            var keys = try ids.map(compact)
            if let other { keys[other] = try compact("LIC-\(other)") }
            keys[7] = CompactKey()  // an empty slot
            var builder = SlotKeysBuilder(count: keys.count)
            for (slot, key) in keys.enumerated() { builder.set(slot, key, present: slot != 7) }
            let built = builder.finish { $0 != 7 }
            let whole = SlotKeys(keys) { $0 != 7 }
            XCTAssertEqual(built.areDigits, other == nil)
            XCTAssertEqual(whole.areDigits, other == nil)
            for (index, key) in keys.enumerated() {
                XCTAssertEqual(built.compact(at: index), key, "slot \(index), other key at \(other.map(String.init) ?? "none")")
                XCTAssertEqual(whole.compact(at: index), key)
                if index != 7 { XCTAssertEqual(slot(built, key.string).map(Int.init), index) }
            }
        }
    }
}
