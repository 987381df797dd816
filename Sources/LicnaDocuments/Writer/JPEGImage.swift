import Foundation

/// A JPEG image to place in a document as it is, with the DCTDecode filter (ISO 32000-1 §7.4.8, §8.9.5).
///
/// The pixel size, the number of colour components and the precision come from the frame header, the SOF marker
/// segment (ITU-T T.81 §B.2.2); the markers before it are walked with bounds checks, so any bytes give either an
/// image or ``DocumentWriterError/Code/invalidImage``.
public struct JPEGImage: Sendable {
    /// The JPEG file.
    public let data: [UInt8]
    public let pixelWidth: Int
    public let pixelHeight: Int
    /// 1 (grey), 3 (YCbCr or RGB) or 4 (CMYK).
    public let componentCount: Int
    /// Whether an Adobe APP14 marker is present: Adobe writes four-component JPEGs with inverted values.
    let hasAdobeMarker: Bool

    public init(data: Data) throws {
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws {
        func fail(_ detail: String) -> DocumentWriterError { DocumentWriterError(.invalidImage, detail) }
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw fail("not a JPEG file (no SOI marker)") }
        var position = 2
        var adobe = false
        while true {
            guard position < bytes.count, bytes[position] == 0xFF else { throw fail("marker expected at byte \(position)") }
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }  // fill bytes
            guard position < bytes.count else { throw fail("the file ends inside a marker") }
            let marker = bytes[position]
            position += 1
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }  // no length
            guard marker != 0xD9, marker != 0xDA else { throw fail("no frame header (SOF) before the image data") }
            guard position + 2 <= bytes.count else { throw fail("the file ends inside a marker segment") }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2, length <= bytes.count - position else {
                throw fail("marker segment 0x\(String(marker, radix: 16)) runs past the end of the file")
            }
            if marker == 0xEE, length >= 7, Array(bytes[(position + 2)..<(position + 7)]) == Array("Adobe".utf8) {
                adobe = true
            }
            // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard marker <= 0xC2 else {
                    throw fail("SOF 0x\(String(marker, radix: 16)): only baseline and progressive Huffman JPEGs can be embedded")
                }
                guard length >= 8 else { throw fail("the frame header is too short") }
                let precision = Int(bytes[position + 2])
                let height = Int(bytes[position + 3]) << 8 | Int(bytes[position + 4])
                let width = Int(bytes[position + 5]) << 8 | Int(bytes[position + 6])
                let components = Int(bytes[position + 7])
                guard precision == 8 else { throw fail("\(precision)-bit samples; DCTDecode in PDF takes 8-bit JPEGs") }
                guard width > 0, height > 0 else { throw fail("the frame header gives no pixel size (DNL is not supported)") }
                guard [1, 3, 4].contains(components) else { throw fail("\(components) colour components") }
                pixelWidth = width
                pixelHeight = height
                componentCount = components
                hasAdobeMarker = adobe
                self.data = bytes
                return
            }
            position += length
        }
    }

    /// The colour space entry of the image XObject (§8.6.4.2).
    var colorSpace: String {
        switch componentCount {
        case 1: "/DeviceGray"
        case 4: "/DeviceCMYK"
        default: "/DeviceRGB"
        }
    }
}
