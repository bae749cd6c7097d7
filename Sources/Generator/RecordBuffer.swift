import Datasets

/// One record being built: every value's UTF-8 bytes in one reusable buffer and, per schema
/// field, the range holding it (an empty range is an empty value). Values may be set in any
/// order and set again (a corruption overwrites a clean value).
struct RecordBuffer {
    var bytes: [UInt8] = []
    var starts: [Int]
    var ends: [Int]
    /// A field whose empty value must be written as an empty string in JSON and XML (a required
    /// field a corruption blanked), never as null or an omitted key.
    var explicitEmptyField = -1

    init(fieldCount: Int) {
        bytes.reserveCapacity(1024)
        starts = Array(repeating: 0, count: fieldCount)
        ends = Array(repeating: 0, count: fieldCount)
    }

    var fieldCount: Int { starts.count }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        for i in starts.indices {
            starts[i] = 0
            ends[i] = 0
        }
        explicitEmptyField = -1
    }

    /// Copies another record into this one without reallocating.
    mutating func copy(from other: RecordBuffer) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: other.bytes)
        for i in starts.indices {
            starts[i] = other.starts[i]
            ends[i] = other.ends[i]
        }
        explicitEmptyField = other.explicitEmptyField
    }

    @inline(__always)
    func isEmpty(_ field: Int) -> Bool { starts[field] == ends[field] }

    @inline(__always)
    func value(_ field: Int) -> ArraySlice<UInt8> { bytes[starts[field]..<ends[field]] }

    func string(_ field: Int) -> String {
        field < 0 ? "" : String(decoding: value(field), as: UTF8.self)
    }

    // MARK: Setting values; field -1 (not in the schema) is ignored.

    @inline(__always)
    mutating func begin(_ field: Int) {
        starts[field] = bytes.count
    }

    @inline(__always)
    mutating func end(_ field: Int) {
        ends[field] = bytes.count
    }

    mutating func clear(_ field: Int) {
        guard field >= 0 else { return }
        starts[field] = 0
        ends[field] = 0
    }

    mutating func set(_ field: Int, _ value: [UInt8]) {
        guard field >= 0 else { return }
        begin(field)
        bytes.append(contentsOf: value)
        end(field)
    }

    mutating func set(_ field: Int, _ value: ArraySlice<UInt8>) {
        guard field >= 0 else { return }
        let copy = Array(value)
        begin(field)
        bytes.append(contentsOf: copy)
        end(field)
    }

    mutating func set(_ field: Int, text: String) {
        set(field, Array(text.utf8))
    }

    mutating func set(_ field: Int, int value: Int) {
        guard field >= 0 else { return }
        begin(field)
        Bytes.appendInt(value, to: &bytes)
        end(field)
    }

    /// An exact decimal from its units of 0.01: whole numbers without a fraction when `trim`.
    mutating func set(_ field: Int, cents: Int, trim: Bool) {
        guard field >= 0 else { return }
        begin(field)
        Bytes.appendCents(cents, trim: trim, to: &bytes)
        end(field)
    }

    mutating func set(_ field: Int, day: Day) {
        guard field >= 0 else { return }
        begin(field)
        Bytes.appendDay(day, separator: UInt8(ascii: "-"), to: &bytes)
        end(field)
    }

    mutating func set(_ field: Int, bool: Bool) {
        set(field, bool ? Bytes.yes : Bytes.no)
    }
}

/// Byte-level formatting without String interpolation or Foundation formatters.
enum Bytes {
    static let yes = Array("是".utf8)
    static let no = Array("否".utf8)

    @inline(__always)
    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendUnsigned(UInt64(-value), to: &out)
        } else {
            appendUnsigned(UInt64(value), to: &out)
        }
    }

    @inline(__always)
    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[n] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
                n += 1
            }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }

    /// `width` digits with leading zeros.
    @inline(__always)
    static func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: (v / divisor) % 10) &+ 0x30)
            v %= divisor
            divisor /= 10
        }
    }

    static func appendCents(_ cents: Int, trim: Bool, to out: inout [UInt8]) {
        if cents < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = abs(cents)
        appendUnsigned(UInt64(magnitude / 100), to: &out)
        let fraction = magnitude % 100
        if trim, fraction == 0 { return }
        out.append(UInt8(ascii: "."))
        appendPadded(fraction, width: 2, to: &out)
    }

    /// `YYYY-MM-DD`, or `YYYYMMDD` with separator 0.
    static func appendDay(_ day: Day, separator: UInt8, to out: inout [UInt8]) {
        let (y, m, d) = day.components
        appendPadded(y, width: 4, to: &out)
        if separator != 0 { out.append(separator) }
        appendPadded(m, width: 2, to: &out)
        if separator != 0 { out.append(separator) }
        appendPadded(d, width: 2, to: &out)
    }
}
