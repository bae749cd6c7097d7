internal import Datasets

/// The bytes of one cached column (`column_cache.data`). Integers are stored as offsets from the
/// column's smallest value in the fewest whole bytes that hold the range (1, 2, 4 or 8; 0 when
/// every value is equal), little-endian, after the validity bitmap; text as a local dictionary
/// (a text list) and its codes. A text list is its count, count + 1 offsets, a null bitmap and
/// the UTF-8 bytes; a list without nulls whose entries all have one length (ID numbers, 户号)
/// is its count with the top bit set, that width and the bytes (`TextListLayout`: a million
/// 身份证号 take 18 MB, not 26). Decoding checks every length against the blob and returns nil
/// on any mismatch (the column is then read from its table again).
enum ColumnCacheCodec {
    static let format: UInt8 = 1

    // MARK: Integer columns

    /// `values` with `validity` (rows `0..<count`), tagged with how its cells were read.
    /// Any integers (`Int32` indexes are encoded without a copy widened to `Int64`). With
    /// `rows`, row `i` of the entry is row `rows[i]` of `values` (`count` is then `rows.count`):
    /// a first load's columns are encoded in key order from file order, without a copy in it.
    static func encode<Value: BinaryInteger>(
        values: [Value], validity source: [UInt64], count: Int, kind: UInt8, dictionary: [String]? = nil, rows: [Int32]? = nil
    ) -> [UInt8] {
        var base = Int64.max, top = Int64.min
        for row in 0..<(rows == nil ? count : values.count) where source[row >> 6] & (1 << UInt64(row & 63)) != 0 {
            base = min(base, Int64(truncatingIfNeeded: values[row]))
            top = max(top, Int64(truncatingIfNeeded: values[row]))
        }
        let validity = rows.map { permuted(source, $0) } ?? source
        return values.withUnsafeBufferPointer { values in
            write(count: count, kind: kind, validity: validity, base: base, top: top, dictionary: dictionary) { row in
                Int64(truncatingIfNeeded: values[rows.map { Int($0[row]) } ?? row])
            }
        }
    }

    /// Rows `0..<count` whose values are asked for one at a time (`value`, only for rows valid in
    /// `validity`, twice each: for the range, then to store): a column patched from its cached
    /// entry is written from the entry's packed bytes, with no column of 8 bytes a row between.
    static func encode(
        count: Int, kind: UInt8, validity: [UInt64], dictionary: [String]? = nil, value: (Int) -> Int64
    ) -> [UInt8] {
        var base = Int64.max, top = Int64.min
        for row in 0..<count where validity[row >> 6] & (1 << UInt64(row & 63)) != 0 {
            let value = value(row)
            base = min(base, value)
            top = max(top, value)
        }
        return write(count: count, kind: kind, validity: validity, base: base, top: top, dictionary: dictionary, value: value)
    }

    /// The entry's bytes: the values' range is `base...top` (`base > top`: no valid row).
    @inline(__always)
    private static func write(
        count: Int, kind: UInt8, validity: [UInt64], base: Int64, top: Int64, dictionary: [String]?, value: (Int) -> Int64
    ) -> [UInt8] {
        var (base, top) = (base, top)
        if base > top { base = 0; top = 0 }
        let range = UInt64(bitPattern: top &- base)
        let width: Int = range == 0 ? 0 : range <= 0xFF ? 1 : range <= 0xFFFF ? 2 : range <= 0xFFFF_FFFF ? 4 : 8
        var out = ByteSink()
        out.bytes.reserveCapacity(24 + validity.count * 8 + count * width)
        out.byte(format)
        out.byte(kind)
        out.byte(UInt8(width))
        out.byte(dictionary == nil ? 0 : 1)
        out.u64(UInt64(count))
        out.u64(UInt64(bitPattern: base))
        let words = (count + 63) >> 6
        for w in 0..<words { out.u64(validity[w]) }
        if width > 0 {
            // Whole little-endian stores into room made once (a byte at a time was most of it).
            let start = out.bytes.count
            out.bytes.append(contentsOf: repeatElement(0, count: count * width))
            out.bytes.withUnsafeMutableBytes { raw in
                validity.withUnsafeBufferPointer { valid in
                    func store<T: FixedWidthInteger>(_: T.Type) {
                        for row in 0..<count where valid[row >> 6] & (1 << UInt64(row & 63)) != 0 {
                            let offset = T(truncatingIfNeeded: UInt64(bitPattern: value(row) &- base))
                            raw.storeBytes(of: offset.littleEndian, toByteOffset: start + row * width, as: T.self)
                        }
                    }
                    switch width {
                    case 1: store(UInt8.self)
                    case 2: store(UInt16.self)
                    case 4: store(UInt32.self)
                    default: store(UInt64.self)
                    }
                }
            }
        }
        if let dictionary { out.textList(dictionary.map { Optional($0) }) }
        return out.bytes
    }

    /// The validity bits of `rows`, in their order.
    static func permuted(_ validity: [UInt64], _ rows: [Int32]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: (rows.count + 63) >> 6)
        for (i, row) in rows.enumerated() where validity[Int(row) >> 6] & (1 << UInt64(row & 63)) != 0 {
            out[i >> 6] |= 1 << UInt64(i & 63)
        }
        return out
    }

    /// `values` with every row present (indexes, codes: nothing missing to mark).
    static func encode<Value: BinaryInteger>(present values: [Value], kind: UInt8, dictionary: [String]? = nil) -> [UInt8] {
        let validity = [UInt64](repeating: ~0, count: (values.count + 63) >> 6)
        return encode(values: values, validity: validity, count: values.count, kind: kind, dictionary: dictionary)
    }

    struct IntegerColumn: Sendable {
        var kind: UInt8
        var values: [Int64]
        var validity: [UInt64]
        var dictionary: [String]?
    }

    static func decodeIntegers(_ bytes: UnsafeRawBufferPointer) -> IntegerColumn? {
        guard let view = IntegerView(bytes) else { return nil }
        let count = view.count, base = view.base, packed = view.packed
        let validity = (0..<((count + 63) >> 6)).map(view.word)
        // One pass per width with whole little-endian loads (a loop over each value's bytes was
        // most of a cached run's column load), unknown rows zeroed as they are written.
        let values = [Int64](unsafeUninitializedCapacity: count) { out, initialized in
            validity.withUnsafeBufferPointer { valid in
                func fill(_ offset: (Int) -> UInt64) {
                    for row in 0..<count {
                        out[row] = valid[row >> 6] & (1 << UInt64(row & 63)) == 0 ? 0 : base &+ Int64(bitPattern: offset(row))
                    }
                }
                switch view.width {
                case 0: fill { _ in 0 }
                case 1: fill { UInt64(packed[$0]) }
                case 2: fill { UInt64(UInt16(littleEndian: packed.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
                case 4: fill { UInt64(UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
                default: fill { UInt64(littleEndian: packed.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
                }
            }
            initialized = count
        }
        return IntegerColumn(kind: view.kind, values: values, validity: validity, dictionary: view.dictionary)
    }

    /// An integer entry read where it lies: each row's value loaded from its packed bytes when
    /// asked for, nothing decoded (`decodeIntegers` makes a column of 8 bytes a row, and the
    /// night's patch held two of them per field: 64 MB at 4 M residents). Valid while the bytes
    /// it was made from are; the same checks as `decodeIntegers` (nil on any mismatch).
    struct IntegerView {
        let kind: UInt8
        let count: Int
        let dictionary: [String]?
        fileprivate let base: Int64
        fileprivate let width: Int
        fileprivate let validity: UnsafeRawBufferPointer
        fileprivate let packed: UnsafeRawBufferPointer

        init?(_ bytes: UnsafeRawBufferPointer) {
            var reader = ByteSource(bytes)
            guard reader.byte() == format, let kind = reader.byte(), let width = reader.byte().map(Int.init),
                  [0, 1, 2, 4, 8].contains(width), let hasDictionary = reader.byte(), let count64 = reader.u64(),
                  count64 < UInt64(Int32.max), let baseBits = reader.u64() else { return nil }
            let count = Int(count64)
            guard let validity = reader.slice(((count + 63) >> 6) * 8), let packed = reader.slice(count * width) else { return nil }
            var dictionary: [String]?
            if hasDictionary == 1 {
                guard let list = reader.textList() else { return nil }
                dictionary = list.map { $0 ?? "" }
            }
            guard reader.atEnd else { return nil }
            (self.kind, self.count, self.dictionary) = (kind, count, dictionary)
            (base, self.width, self.validity, self.packed) = (Int64(bitPattern: baseBits), width, validity, packed)
        }

        /// Validity word `index` (rows `64 × index ..<`).
        @inline(__always)
        func word(_ index: Int) -> UInt64 {
            UInt64(littleEndian: validity.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }

        @inline(__always)
        func isValid(_ row: Int) -> Bool { word(row >> 6) & (1 << UInt64(row & 63)) != 0 }

        /// Row `row`'s value (a valid row's; `0..<count`).
        @inline(__always)
        func value(_ row: Int) -> Int64 {
            let offset: UInt64 = switch width {
            case 0: 0
            case 1: UInt64(packed[row])
            case 2: UInt64(UInt16(littleEndian: packed.loadUnaligned(fromByteOffset: row * 2, as: UInt16.self)))
            case 4: UInt64(UInt32(littleEndian: packed.loadUnaligned(fromByteOffset: row * 4, as: UInt32.self)))
            default: UInt64(littleEndian: packed.loadUnaligned(fromByteOffset: row * 8, as: UInt64.self))
            }
            return base &+ Int64(bitPattern: offset)
        }

        /// A valid row's value as a code below `limit`, or −1.
        @inline(__always)
        func code(_ row: Int, below limit: Int) -> Int {
            let value = value(row)
            return 0 <= value && value < Int64(limit) ? Int(value) : -1
        }
    }

    // MARK: Text lists

    static func encode(texts: [String?]) -> [UInt8] {
        var out = ByteSink()
        out.byte(format)
        out.textList(texts)
        return out.bytes
    }

    /// A text list without nulls (keys, holders), nulls read as empty strings; `withIDs`, the same
    /// as `IDBytes` too (a population's keys: made from the bytes in order, not from the strings).
    /// A long one (a million residents' keys: a string allocated per key, the load's longest
    /// single piece of work) is made in two halves side by side.
    static func decodeStrings(_ bytes: UnsafeRawBufferPointer, withIDs: Bool) -> (strings: [String], ids: IDBytes?)? {
        var reader = ByteSource(bytes)
        guard reader.byte() == format, let (offsets, _) = reader.textListLayout(), let total = offsets.last,
              let text = reader.slice(total), reader.atEnd else { return nil }
        let source = StringSource(text: text, offsets: offsets)
        let count = offsets.count - 1
        let ids = withIDs ? IDBytes(concatenated: text, offsets: offsets) : nil
        guard count >= 200_000 else { return (source.strings(0..<count), ids) }
        let halves = try? ConcurrentPair.run({ source.strings(0..<count / 2) }, { source.strings(count / 2..<count) })
        return halves.map { ($0.0 + $0.1, ids) }
    }

    /// A text list's bytes and offsets, shared by the threads making its strings (the bytes
    /// outlive them: `decodeStrings` waits for both).
    private struct StringSource: @unchecked Sendable {
        let text: UnsafeRawBufferPointer
        let offsets: [Int]

        func strings(_ range: Range<Int>) -> [String] {
            range.map { String(decoding: UnsafeRawBufferPointer(rebasing: text[offsets[$0]..<offsets[$0 + 1]]), as: UTF8.self) }
        }
    }

    static func decodeTexts(_ bytes: UnsafeRawBufferPointer) -> [String?]? {
        var reader = ByteSource(bytes)
        guard reader.byte() == format, let list = reader.textList(), reader.atEnd else { return nil }
        return list
    }
}

/// Little-endian writing for `ColumnCacheCodec`.
struct ByteSink {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A text list's header: its count, and for the fixed layout (every entry present and
    /// `fixed` bytes long) the flag in the count and the width. The one place the layout's head
    /// is written (`textList`, `TextListBuilder`, a first load's keys entry in `KeyRuns`).
    mutating func textListHeader(count: Int, fixed: Int?) {
        if let fixed {
            u64(UInt64(count) | TextListLayout.fixedFlag)
            u64(UInt64(fixed))
        } else {
            u64(UInt64(count))
        }
    }

    mutating func textList(_ texts: [String?]) {
        var total = 0
        var width = TextListLayout.Width()
        for text in texts {
            let count = text?.utf8.count
            total += count ?? 0
            width.add(count)
        }
        if let fixed = width.fixed {
            bytes.reserveCapacity(bytes.count + 16 + total)
            textListHeader(count: texts.count, fixed: fixed)
            for text in texts { if let text { bytes.appendUTF8(text) } }
            return
        }
        bytes.reserveCapacity(bytes.count + 8 * (texts.count + 2) + 8 * ((texts.count + 63) >> 6) + total)
        textListHeader(count: texts.count, fixed: nil)
        var offset: UInt64 = 0
        u64(0)
        var nulls = [UInt64](repeating: 0, count: (texts.count + 63) >> 6)
        for (i, text) in texts.enumerated() {
            if let text { offset += UInt64(text.utf8.count) } else { nulls[i >> 6] |= 1 << UInt64(i & 63) }
            u64(offset)
        }
        for word in nulls { u64(word) }
        for text in texts { if let text { bytes.appendUTF8(text) } }
    }
}

/// The fixed-width form of a text list (see `ColumnCacheCodec`).
enum TextListLayout {
    static let fixedFlag: UInt64 = 1 << 63

    /// Whether every entry seen so far is non-null and of one length.
    struct Width {
        private(set) var fixed: Int? = nil
        private var mixed = false

        mutating func add(_ count: Int?) {
            guard !mixed else { return }
            guard let count, fixed == nil || fixed == count else {
                mixed = true
                fixed = nil
                return
            }
            fixed = count
        }
    }
}

/// Bounds-checked little-endian reading for `ColumnCacheCodec`.
struct ByteSource {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u64() -> UInt64? {
        guard position + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for b in 0..<8 { value |= UInt64(bytes[position + b]) << UInt64(8 * b) }
        position += 8
        return value
    }

    mutating func words(_ count: Int) -> [UInt64]? {
        guard count >= 0, position + count * 8 <= bytes.count else { return nil }
        let start = position
        position += count * 8
        return (0..<count).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + $0 * 8, as: UInt64.self)) }
    }

    mutating func slice(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, position + count <= bytes.count else { return nil }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    /// A text list's count, offsets (count + 1, checked to ascend within the text) and null
    /// bitmap, leaving `position` at its text; nil when they do not fit the blob. Shared by
    /// `textList()` and `TextListView`.
    /// A text list's count and width when its layout is the fixed one (the reader then stands at
    /// its text); nil otherwise (the reader has moved: set it back).
    mutating func fixedTextList() -> (count: Int, width: Int)? {
        guard let head = u64(), head & TextListLayout.fixedFlag != 0 else { return nil }
        let count64 = head & ~TextListLayout.fixedFlag
        guard count64 < UInt64(Int32.max), let width64 = u64(), width64 < UInt64(Int32.max) else { return nil }
        return (Int(count64), Int(width64))
    }

    mutating func textListLayout() -> (offsets: [Int], nulls: [UInt64])? {
        guard let head = u64() else { return nil }
        let count64 = head & ~TextListLayout.fixedFlag
        guard count64 < UInt64(Int32.max) else { return nil }
        let count = Int(count64)
        if head & TextListLayout.fixedFlag != 0 {
            guard let width64 = u64(), width64 < UInt64(Int32.max) else { return nil }
            let width = Int(width64)
            guard position + count * width <= bytes.count else { return nil }
            return ((0...count).map { $0 * width }, [UInt64](repeating: 0, count: (count + 63) >> 6))
        }
        guard position + (count + 1) * 8 <= bytes.count else { return nil }
        // Whole little-endian loads (a byte at a time was a third of decoding a million keys).
        let start = position
        let offsets = (0...count).map { Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + $0 * 8, as: UInt64.self))) }
        position += (count + 1) * 8
        guard let nulls = words((count + 63) >> 6), let total = offsets.last, total >= 0,
              position + total <= bytes.count else { return nil }
        for i in 0..<count where !(0 <= offsets[i] && offsets[i] <= offsets[i + 1]) { return nil }
        return (offsets, nulls)
    }

    mutating func textList() -> [String?]? {
        guard let (offsets, nulls) = textListLayout(), let total = offsets.last, let text = slice(total) else { return nil }
        var out = [String?](repeating: nil, count: offsets.count - 1)
        for i in out.indices where nulls[i >> 6] & (1 << UInt64(i & 63)) == 0 {
            out[i] = String(decoding: UnsafeRawBufferPointer(rebasing: text[offsets[i]..<offsets[i + 1]]), as: UTF8.self)
        }
        return out
    }
}

extension LoadedColumn {
    /// This column's cache bytes; text columns with the strings of their codes in `dictionary`.
    /// With `rows`, the entry's rows are these rows of the column (see `ColumnCacheCodec.encode`).
    func cacheBytes(count: Int, kind: UInt8, dictionary: TextDictionary?, rows: [Int32]? = nil) -> [UInt8] {
        guard let dictionary else {
            return ColumnCacheCodec.encode(values: values, validity: validity, count: count, kind: kind, rows: rows)
        }
        return ColumnCacheCodec.encode(codes: values, validity: validity, count: count, kind: kind, strings: dictionary.strings, rows: rows)
    }
}

extension ColumnCacheCodec {
    /// A text column whose valid rows hold codes into `strings`, with its own dictionary of only
    /// the strings used, in order of first appearance (no hashing: one array indexed by code).
    static func encode(codes: [Int64], validity source: [UInt64], count: Int, kind: UInt8, strings: [String], rows: [Int32]? = nil) -> [UInt8] {
        let validity = rows.map { permuted(source, $0) } ?? source
        // Codes of a dictionary's own, so never outside it (if one were, the empty entry would
        // read as damaged: the column is then read from its table).
        return encode(count: count, kind: kind, validity: validity, strings: strings) { row in
            Int(codes[rows.map { Int($0[row]) } ?? row])
        } ?? []
    }

    /// The same for rows `0..<count` whose codes are asked one at a time (`code`, only for rows
    /// valid in `validity`, twice each); nil when a code lies outside `strings`.
    static func encode(count: Int, kind: UInt8, validity: [UInt64], strings: [String], code: (Int) -> Int) -> [UInt8]? {
        var local = [Int32](repeating: -1, count: strings.count)
        var used: [String] = []
        for row in 0..<count where validity[row >> 6] & (1 << UInt64(row & 63)) != 0 {
            let code = code(row)
            guard 0 <= code, code < strings.count else { return nil }
            if local[code] < 0 {
                local[code] = Int32(used.count)
                used.append(strings[code])
            }
        }
        return encode(count: count, kind: kind, validity: validity, dictionary: used) { Int64(local[code($0)]) }
    }

    /// Texts (few distinct: relations) as codes into a dictionary.
    static func encode(codedTexts texts: [String?]) -> [UInt8] {
        var dictionary = TextDictionary()
        var codes = [Int64](repeating: 0, count: texts.count)
        var validity = [UInt64](repeating: 0, count: (texts.count + 63) >> 6)
        for (row, text) in texts.enumerated() {
            guard let text else { continue }
            codes[row] = dictionary.code(text)
            validity[row >> 6] |= 1 << UInt64(row & 63)
        }
        return encode(values: codes, validity: validity, count: texts.count, kind: 4, dictionary: dictionary.strings)
    }

    static func decodeCodedTexts(_ bytes: UnsafeRawBufferPointer) -> [String?]? {
        guard let column = decodeIntegers(bytes), let strings = column.dictionary else { return nil }
        var out = [String?](repeating: nil, count: column.values.count)
        for row in out.indices where column.validity[row >> 6] & (1 << UInt64(row & 63)) != 0 {
            let code = Int(column.values[row])
            guard code >= 0, code < strings.count else { return nil }
            out[row] = strings[code]
        }
        return out
    }
}
