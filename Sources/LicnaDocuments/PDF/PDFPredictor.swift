/// The predictor functions of FlateDecode's /DecodeParms (ISO 32000-1 §7.4.4.4, Table 8): the TIFF predictor 2
/// and the PNG predictors 10–15, whose per-row filter byte selects None, Sub, Up, Average or Paeth. Cross-reference
/// streams of real writers use PNG Up with /Columns equal to the entry width.
struct PDFPredictor {
    let predictor: Int
    let colors: Int
    let bitsPerComponent: Int
    let columns: Int

    init(parameters: PDFDictionary) {
        predictor = parameters["Predictor"]?.integerValue ?? 1
        colors = parameters["Colors"]?.integerValue ?? 1
        bitsPerComponent = parameters["BitsPerComponent"]?.integerValue ?? 8
        columns = parameters["Columns"]?.integerValue ?? 1
    }

    func decode(_ data: [UInt8]) throws -> [UInt8] {
        guard predictor > 1 else { return data }
        guard (1...32).contains(colors), [1, 2, 4, 8, 16].contains(bitsPerComponent), (1...(1 << 24)).contains(columns)
        else { throw PDFError(.invalidStreamData, "predictor parameters out of range") }
        let bitsPerPixel = colors * bitsPerComponent
        let bytesPerPixel = max(1, (bitsPerPixel + 7) / 8)
        let rowLength = (bitsPerPixel * columns + 7) / 8
        // A real stream holds at least one row; refusing longer rows keeps hostile /Columns from allocating.
        guard !data.isEmpty else { return data }
        guard rowLength <= data.count else {
            throw PDFError(.invalidStreamData, "predictor rows of \(rowLength) bytes in \(data.count) bytes of data")
        }
        if predictor == 2 { return try tiff(data, rowLength: rowLength, bytesPerPixel: bytesPerPixel) }
        guard predictor >= 10 else { throw PDFError(.unsupportedFilter, "predictor \(predictor) is not defined") }
        return try png(data, rowLength: rowLength, bytesPerPixel: bytesPerPixel)
    }

    private func png(_ data: [UInt8], rowLength: Int, bytesPerPixel: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.count)
        var previous = [UInt8](repeating: 0, count: rowLength)
        var row = [UInt8](repeating: 0, count: rowLength)
        var index = 0
        while index < data.count {
            let filter = data[index]
            index += 1
            let available = min(rowLength, data.count - index)
            for column in 0..<rowLength { row[column] = column < available ? data[index + column] : 0 }
            index += available
            for column in 0..<available {
                let left = column >= bytesPerPixel ? row[column - bytesPerPixel] : 0
                let up = previous[column]
                let upLeft = column >= bytesPerPixel ? previous[column - bytesPerPixel] : 0
                switch filter {
                case 0: break
                case 1: row[column] &+= left
                case 2: row[column] &+= up
                case 3: row[column] &+= UInt8((Int(left) + Int(up)) / 2)
                case 4: row[column] &+= Self.paeth(left, up, upLeft)
                default: throw PDFError(.invalidStreamData, "PNG predictor row with filter type \(filter)")
                }
            }
            output += row[0..<available]
            swap(&previous, &row)
        }
        return output
    }

    private static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb, pa <= pc { return a }
        return pb <= pc ? b : c
    }

    private func tiff(_ data: [UInt8], rowLength: Int, bytesPerPixel: Int) throws -> [UInt8] {
        guard bitsPerComponent == 8 else {
            throw PDFError(.unsupportedFilter, "TIFF predictor with \(bitsPerComponent) bits per component")
        }
        var output = data
        var rowStart = 0
        while rowStart < output.count {
            let rowEnd = min(rowStart + rowLength, output.count)
            var index = rowStart + bytesPerPixel
            while index < rowEnd {
                output[index] &+= output[index - bytesPerPixel]
                index += 1
            }
            rowStart = rowEnd
        }
        return output
    }
}
