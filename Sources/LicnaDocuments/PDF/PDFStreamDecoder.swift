import LicnaBasics
/// Applies a stream's /Filter chain (ISO 32000-1 §7.4) with its /DecodeParms, refusing output beyond a size limit so
/// that a small compressed stream cannot expand into gigabytes (a zip bomb). With a validation's budget, every
/// filter's output is also limited to what remains of it, and the result is charged to it: many streams that are
/// each under the size limit cannot add up to gigabytes either.
///
/// Implemented: FlateDecode (§7.4.4, with the PNG and TIFF predictors of Table 8), ASCIIHexDecode (§7.4.2),
/// ASCII85Decode (§7.4.3) and RunLengthDecode (§7.4.5). Image-only filters (DCT, JPX, CCITT, JBIG2) and LZW are not
/// needed to find or validate signatures and give `PDFError.Code.unsupportedFilter`.
struct PDFStreamDecoder {
    let maximumSize: Int
    var budget: ValidationBudget?

    init(maximumSize: Int, budget: ValidationBudget? = nil) {
        self.budget = budget
        // Nothing decodes beyond what the budget has left: reaching the limit exactly is allowed, passing it is not.
        self.maximumSize = budget.map { min(maximumSize, $0.remainingDecodedBytes) } ?? maximumSize
        perStreamLimit = maximumSize
    }

    private let perStreamLimit: Int

    /// `decode`, charged to the budget: a stream cut short by the budget (not by the per-stream limit) reports the
    /// budget's limit. With `shared`, the result is kept in the budget for the rest of the validation, so that the
    /// same bytes of the file decoded again — an object stream or cross-reference stream read once for the file and
    /// again for each signed revision — are decoded (and charged) once.
    func decode(_ data: ArraySlice<UInt8>, filters: PDFObject, parameters: PDFObject, shared: Bool = false) throws -> [UInt8] {
        guard let budget else { return try decodeChain(data, filters: filters, parameters: parameters) }
        try budget.checkTime()
        let key = ValidationBudget.StreamKey(start: data.startIndex, count: data.count, filters: filters, parameters: parameters)
        if shared, let known = budget.decodedStream(key) { return known }
        let output: [UInt8]
        do {
            output = try decodeChain(data, filters: filters, parameters: parameters)
        } catch let error as PDFError where error.code == .limitExceeded {
            // Cut short by the budget: the budget's limit; by the per-stream limit: the work done still counts.
            if maximumSize < perStreamLimit { throw budget.decodedBytesExhausted() }
            try budget.chargeDecodedBytes(maximumSize)
            throw error
        }
        try budget.chargeDecodedBytes(output.count)
        if shared { budget.keep(output, for: key) }
        return output
    }

    /// Decodes `data`. `filters` is a name, an array of names or null; `parameters` a dictionary, an array of
    /// dictionaries (or nulls) or null — all already resolved.
    private func decodeChain(_ data: ArraySlice<UInt8>, filters: PDFObject, parameters: PDFObject) throws -> [UInt8] {
        let filterNames: [String]
        switch filters {
        case .null: return try checked(Array(data))
        case .name(let name): filterNames = [name]
        case .array(let items):
            filterNames = try items.map {
                guard let name = $0.nameValue else { throw PDFError(.syntax, "/Filter holds a non-name") }
                return name
            }
        default: throw PDFError(.syntax, "/Filter is neither a name nor an array")
        }
        guard filterNames.count <= 8 else { throw PDFError(.limitExceeded, "more than 8 filters on one stream") }
        let parameterList: [PDFObject] =
            switch parameters {
            case .array(let items): items
            default: [parameters]
            }
        var current = data
        for (index, name) in filterNames.enumerated() {
            let parameter = index < parameterList.count ? parameterList[index].dictionaryValue : nil
            current = try apply(name, to: current, parameters: parameter ?? PDFDictionary())[...]
        }
        return Array(current)
    }

    private func checked(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.count <= maximumSize else {
            throw PDFError(.limitExceeded, "a stream is longer than the limit of \(maximumSize) bytes")
        }
        return bytes
    }

    private func apply(_ filter: String, to data: ArraySlice<UInt8>, parameters: PDFDictionary) throws -> [UInt8] {
        switch filter {
        case "FlateDecode", "Fl":
            let inflated = try PDFFlate.inflate(data, maximumSize: maximumSize)
            return try PDFPredictor(parameters: parameters).decode(inflated)
        case "ASCIIHexDecode", "AHx": return try checked(Self.asciiHex(data))
        case "ASCII85Decode", "A85": return try checked(Self.ascii85(data))
        case "RunLengthDecode", "RL": return try runLength(data)
        default: throw PDFError(.unsupportedFilter, "the /\(filter) filter is not supported")
        }
    }

    /// ASCIIHexDecode (§7.4.2): hex digits until `>`, whitespace ignored, an odd final digit followed by 0.
    static func asciiHex(_ data: ArraySlice<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.count / 2)
        var high: UInt8?
        for byte in data {
            if byte == UInt8(ascii: ">") { break }
            if PDFLexer.isWhitespace(byte) { continue }
            guard let nibble = PDFLexer.hexValue(byte) else {
                throw PDFError(.invalidStreamData, "ASCIIHexDecode data holds a non-hex byte")
            }
            if let pending = high {
                output.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        if let pending = high { output.append(pending << 4) }
        return output
    }

    /// ASCII85Decode (§7.4.3): groups of five characters `!`…`u` for four bytes, `z` for four zeros, `~>` ends.
    static func ascii85(_ data: ArraySlice<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        var group: [UInt32] = []
        func flush(_ count: Int) {
            var value: UInt32 = 0
            for index in 0..<5 { value = value &* 85 &+ (index < group.count ? group[index] : 84) }
            let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            output += bytes.prefix(count)
        }
        for byte in data {
            if byte == UInt8(ascii: "~") { break }
            if PDFLexer.isWhitespace(byte) { continue }
            if byte == UInt8(ascii: "z"), group.isEmpty {
                output += [0, 0, 0, 0]
                continue
            }
            guard byte >= 0x21, byte <= 0x75 else {
                throw PDFError(.invalidStreamData, "ASCII85Decode data holds an invalid byte")
            }
            group.append(UInt32(byte - 0x21))
            if group.count == 5 {
                flush(4)
                group.removeAll(keepingCapacity: true)
            }
        }
        if group.count == 1 { throw PDFError(.invalidStreamData, "ASCII85Decode data ends with a single character") }
        if !group.isEmpty { flush(group.count - 1) }
        return output
    }

    /// RunLengthDecode (§7.4.5).
    private func runLength(_ data: ArraySlice<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        var index = data.startIndex
        while index < data.endIndex {
            let length = Int(data[index])
            index += 1
            if length == 128 { break }
            if length < 128 {
                let end = min(index + length + 1, data.endIndex)
                output += data[index..<end]
                index = end
            } else if index < data.endIndex {
                output += repeatElement(data[index], count: 257 - length)
                index += 1
            }
            guard output.count <= maximumSize else {
                throw PDFError(.limitExceeded, "a stream is longer than the limit of \(maximumSize) bytes")
            }
        }
        return output
    }
}
