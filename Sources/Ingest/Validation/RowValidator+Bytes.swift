public import Datasets

/// How a field's cell is checked straight from its bytes. The fast way takes only what it can
/// store exactly as the string way would (`RowValidator.validate(_:index:…)`): a cell that is
/// empty, could be trimmed, would be normalised, warned about or rejected, or whose type has
/// no byte check, goes the string way, which gives the value, warning or message. So every
/// rule of validation stays written once; the bytes only spare the common case its strings
/// (the validators were the largest part of a first load's CPU in perf).
enum ByteCheck: Sendable {
    case text
    case integer(minimum: Int64?, maximum: Int64?)
    case decimal(scale: Int, minimum: Int64?, maximum: Int64?)
    case date
    case bool
    /// The field's values in the validator's `EnumerationTable` (a cell equal to one is stored
    /// as the schema's string). No arrays in the case itself: switching over a field's check
    /// copied them, a retain and a release a cell on storage both validating threads shared.
    case enumeration(Range<Int>)
    /// An ID number, also the person case of a holder (a USCC goes the string way).
    case idNumber
    case division
    case phone
    /// No byte check (USCC, industry): the string way.
    case none

    init(_ field: FieldSpec, enumerations: inout EnumerationTable) {
        switch field.type {
        case .text: self = .text
        case .integer: self = .integer(minimum: field.minimum, maximum: field.maximum)
        case .decimal(let scale) where scale <= 15: self = .decimal(scale: scale, minimum: field.minimum, maximum: field.maximum)
        case .date: self = .date
        case .bool: self = .bool
        case .enumeration(let values): self = .enumeration(enumerations.add(values))
        case .idNumber, .holderID: self = .idNumber
        case .division: self = .division
        case .phone: self = .phone
        case .uscc, .industry, .decimal: self = .none
        }
    }
}

/// Every enumeration's values, flat, for the byte checks: their bytes back to back and where
/// each ends. Each validator builds its own.
struct EnumerationTable: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    /// Adds `values`; returns where they are.
    mutating func add(_ values: [String]) -> Range<Int> {
        let first = ends.count
        for value in values {
            bytes.append(contentsOf: value.utf8)
            ends.append(bytes.count)
        }
        return first..<ends.count
    }

    /// The value among `values` whose bytes are `cell`'s (the cell is then stored as it is).
    @inline(__always)
    func find(_ cell: UnsafeBufferPointer<UInt8>, among values: Range<Int>) -> Int? {
        bytes.withUnsafeBufferPointer { all in
            for k in values {
                let start = k == 0 ? 0 : ends[k - 1]
                guard ends[k] - start == cell.count else { continue }
                if UnsafeBufferPointer(rebasing: all[start..<ends[k]]).elementsEqual(cell) { return k }
            }
            return nil
        }
    }
}

extension RowValidator {
    /// Validates one row of a batch of byte cells (`cells[first ..< first + fields]`) into
    /// `values`; returns the quarantine entry when the row is bad, appending the row's
    /// warnings to `warnings` when it is good.
    public mutating func validate(
        _ cells: ByteCells, from first: Int, line: Int, into values: inout [FieldValue], warnings: inout [DataWarning]
    ) -> QuarantineEntry? {
        values.removeAll(keepingCapacity: true)
        return validate(cells, from: first, line: line, appendingTo: &values, warnings: &warnings)
    }

    /// The same, appending the row's values to `values` (a bad row leaves it as it was).
    public mutating func validate(
        _ cells: ByteCells, from first: Int, line: Int, appendingTo values: inout [FieldValue],
        warnings: inout [DataWarning]
    ) -> QuarantineEntry? {
        var flat = FlatValues()
        let entry = validate(cells, from: first, line: line, appendingTo: &flat, warnings: &warnings)
        values.append(contentsOf: flat.values(0..<flat.count))
        return entry
    }

    /// The same, appending the row's values after those `values` holds (a batch's values, flat:
    /// no per-row array to copy from and clear, no `String` per text cell); a bad row leaves
    /// `values` as it was.
    public mutating func validate(
        _ cells: ByteCells, from first: Int, line: Int, appendingTo values: inout FlatValues,
        warnings: inout [DataWarning]
    ) -> QuarantineEntry? {
        let base = values.count
        let warningsBefore = warnings.count
        for i in parsedIDs.indices { parsedIDs[i] = nil }
        // The cell checks are not `mutating` (the parsed IDs are moved out for the row and
        // back after), so they can take the field in place.
        var ids: [ResidentIDNumber.Parts?] = []
        swap(&ids, &parsedIDs)
        defer { swap(&ids, &parsedIDs) }
        return cells.bytes.withUnsafeBufferPointer { all in
            for index in fields.indices {
                let cell = first + index
                let bytes = UnsafeBufferPointer(rebasing: all[cells.range(cell)])
                let raw: RawCell
                switch cells.kind(cell) {
                case .absent:
                    raw = .absent
                case .undecodable:
                    raw = .undecodable(String(decoding: bytes, as: UTF8.self))
                case .text:
                    if byteChecksEnabled, fast(bytes, index: index, into: &values, base: base, parsedIDs: &ids) { continue }
                    raw = ByteCells.string(bytes).map(RawCell.text) ?? .undecodable(String(decoding: bytes, as: UTF8.self))
                }
                if let entry = validate(
                    raw, index: index, line: line, into: &values, base: base, parsedIDs: &ids, warnings: &warnings
                ) {
                    if warnings.count > warningsBefore { warnings.removeSubrange(warningsBefore...) }
                    values.removeCells(from: base)
                    return entry
                }
            }
            return nil
        }
    }

    /// Appends the value of a cell the fast way and returns true, or returns false (nothing
    /// appended) for the string way.
    @inline(__always)
    func fast(
        _ bytes: UnsafeBufferPointer<UInt8>, index: Int, into values: inout FlatValues, base: Int,
        parsedIDs: inout [ResidentIDNumber.Parts?]
    ) -> Bool {
        guard let firstByte = bytes.first, let lastByte = bytes.last else { return false }
        // What the trim could remove starts or ends so (ASCII white space, U+3000, U+FEFF).
        if firstByte == 0x20 || firstByte == 0x09 || firstByte == 0x0D || firstByte == 0x0A || firstByte == 0xE3
            || firstByte == 0xEF || lastByte == 0x20 || lastByte == 0x09 || lastByte == 0x0D || lastByte == 0x0A
            || lastByte == 0x80 || lastByte == 0xBF {
            return false
        }
        let value: FieldValue
        switch byteChecks[index] {
        case .none:
            return false
        case .text:
            guard ByteCells.isValidUTF8(bytes) else { return false }
            values.appendText(bytes)
            return checked(index, &values, base: base, parsedIDs: &parsedIDs)
        case .integer(let minimum, let maximum):
            guard let number = Self.integer(bytes), Self.within(number, minimum, maximum) else { return false }
            value = .integer(number)
        case .decimal(let scale, let minimum, let maximum):
            guard let units = Self.decimal(bytes, scale: scale), Self.within(units, minimum, maximum) else { return false }
            value = .decimal(units)
        case .date:
            guard let day = Day.parse(utf8: bytes) else { return false }
            value = .date(day)
        case .bool:
            guard bytes.count == 3 else { return false }
            // 是 E6 98 AF, 否 E5 90 A6.
            if bytes[0] == 0xE6, bytes[1] == 0x98, bytes[2] == 0xAF {
                value = .bool(true)
            } else if bytes[0] == 0xE5, bytes[1] == 0x90, bytes[2] == 0xA6 {
                value = .bool(false)
            } else {
                return false
            }
        case .enumeration(let among):
            // The cell's bytes are the value's: stored as they are.
            guard enumerations.find(bytes, among: among) != nil else { return false }
            values.appendText(bytes)
            return checked(index, &values, base: base, parsedIDs: &parsedIDs)
        case .idNumber:
            guard let id = ResidentIDNumber.parts(utf8: bytes, provinces: parsing.provinces) else { return false }
            parsedIDs[index] = id
            values.appendText(bytes)
            return checked(index, &values, base: base, parsedIDs: &parsedIDs)
        case .division:
            guard parsing.divisionVerdict(utf8: bytes) == .valid else { return false }
            values.appendText(bytes)
            return checked(index, &values, base: base, parsedIDs: &parsedIDs)
        case .phone:
            // A plain mobile, which `PhoneNumber.normalize` keeps as it is.
            guard bytes.count == 11, bytes[0] == UInt8(ascii: "1"), bytes[1] >= UInt8(ascii: "3"),
                  bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            values.appendText(bytes)
            return checked(index, &values, base: base, parsedIDs: &parsedIDs)
        }
        values.append(value)
        return checked(index, &values, base: base, parsedIDs: &parsedIDs)
    }

    /// After the fast way appended field `index`'s value: true when its cross-field checks pass;
    /// otherwise the value is taken back and false returned (the string way says why).
    @inline(__always)
    private func checked(
        _ index: Int, _ values: inout FlatValues, base: Int, parsedIDs: inout [ResidentIDNumber.Parts?]
    ) -> Bool {
        if !crossChecks[index].isEmpty, crossCheck(index: index, values: values, base: base, parsedIDs: parsedIDs) != nil {
            values.removeLast()
            parsedIDs[index] = nil
            return false
        }
        return true
    }

    @inline(__always)
    private static func within(_ value: Int64, _ minimum: Int64?, _ maximum: Int64?) -> Bool {
        if let minimum, value < minimum { return false }
        if let maximum, value > maximum { return false }
        return true
    }

    /// `-` and 1–18 digits: what `Int64(_:)` reads the same (nil for anything else, a `+` too).
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let negative = bytes[0] == UInt8(ascii: "-")
        let digits = bytes.count - (negative ? 1 : 0)
        guard digits >= 1, digits <= 18 else { return nil }
        var value: Int64 = 0
        for b in bytes[(negative ? 1 : 0)...] {
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int64(b - 0x30)
        }
        return negative ? -value : value
    }

    /// `-`, 1–15 digits, and `.` with 1–`scale` digits: what `ScaledDecimal.parse` reads the
    /// same (it takes integer parts below 10^15), in units (nil for anything else).
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64? {
        var i = bytes[0] == UInt8(ascii: "-") ? 1 : 0
        let negative = i == 1
        var whole: Int64 = 0
        var wholeDigits = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            guard wholeDigits < 15 else { return nil }
            whole = whole * 10 + Int64(bytes[i] - 0x30)
            wholeDigits += 1
            i += 1
        }
        guard wholeDigits >= 1 else { return nil }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if i < bytes.count {
            guard bytes[i] == UInt8(ascii: "."), i + 1 < bytes.count else { return nil }
            i += 1
            while i < bytes.count {
                guard bytes[i] >= 0x30, bytes[i] <= 0x39, fractionDigits < scale else { return nil }
                fraction = fraction * 10 + Int64(bytes[i] - 0x30)
                fractionDigits += 1
                i += 1
            }
        }
        var factor: Int64 = 1
        for _ in 0..<scale { factor *= 10 }
        for _ in fractionDigits..<scale { fraction *= 10 }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: factor)
        let (units, overflowAdding) = scaled.addingReportingOverflow(fraction)
        guard !overflow, !overflowAdding else { return nil }
        return negative ? -units : units
    }
}
