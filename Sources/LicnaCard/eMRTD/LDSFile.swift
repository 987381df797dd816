import Foundation

/// The LDS elementary files the issuer writes into the eMRTD application (ICAO 9303-10 §4.6–§4.7), built as
/// BER-TLV. EF.SOD, which signs their hashes, is made on the issuer's side with the document signer
/// (`LicnaPKI.DocumentSecurityObject`).
public enum LDSFile {
    /// EF.COM (tag `60`, §4.6.1): LDS version 1.7, Unicode 4.0.0, and the tags of the data groups present.
    public static func com(dataGroupTags: [UInt8]) -> [UInt8] {
        BERTLV(tag: 0x60, value: BERTLV(tag: 0x5F01, value: Array("0107".utf8)).bytes
            + BERTLV(tag: 0x5F36, value: Array("040000".utf8)).bytes
            + BERTLV(tag: 0x5C, value: dataGroupTags).bytes).bytes
    }

    /// DG1 (tag `61`, §4.7.1): the MRZ as one 90-character string in `5F1F`.
    public static func dg1(_ mrz: TD1MachineReadableZone) -> [UInt8] {
        BERTLV(tag: 0x61, value: BERTLV(tag: 0x5F1F, value: Array(mrz.lines.joined().utf8)).bytes).bytes
    }

    /// The MRZ lines in a DG1 file, or nil when it is not one.
    public static func mrzLines(inDG1 bytes: [UInt8]) -> [String]? {
        guard let outer = try? BERTLV.first(0x61, in: bytes), let inner = try? BERTLV.first(0x5F1F, in: outer.value),
              let text = String(bytes: inner.value, encoding: .ascii) else { return nil }
        let characters = Array(text)
        guard characters.count == 90 else { return nil }
        return stride(from: 0, to: 90, by: 30).map { String(characters[$0..<$0 + 30]) }
    }

    /// DG2 (tag `75`, §4.7.2): one biometric information template (`7F61 { 02 count, 7F60 { A1 header, 5F2E
    /// data } }`, ISO/IEC 7816-11 CBEFF) holding an ISO/IEC 19794-5:2005 facial record with one JPEG image.
    public static func dg2(jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        let header = BERTLV(tag: 0xA1, value: BERTLV(tag: 0x80, value: [0x01, 0x01]).bytes  // ICAO header version
            + BERTLV(tag: 0x81, value: [0x02]).bytes  // biometric type: facial features
            + BERTLV(tag: 0x87, value: [0x01, 0x01]).bytes  // format owner: ISO/IEC JTC 1/SC 37
            + BERTLV(tag: 0x88, value: [0x00, 0x08]).bytes)  // format type: 19794-5
        let instance = BERTLV(tag: 0x7F60, value: header.bytes + BERTLV(tag: 0x5F2E, value: facialRecord(jpeg: jpeg, width: width, height: height)).bytes)
        let group = BERTLV(tag: 0x7F61, value: [0x02, 0x01, 0x01] + instance.bytes)
        return BERTLV(tag: 0x75, value: group.bytes).bytes
    }

    /// DG3 (tag `63`, §4.7.3) with no fingerprint: the card holds the group for the layout, and never serves it
    /// without EAC terminal authentication.
    public static func dg3Empty() -> [UInt8] {
        BERTLV(tag: 0x63, value: BERTLV(tag: 0x7F61, value: [0x02, 0x01, 0x00]).bytes).bytes
    }

    /// ISO/IEC 19794-5:2005 §5.4–§5.7: record header (14 bytes), facial information (20), image information
    /// (12), image data (JPEG, `00`).
    static func facialRecord(jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        func be(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let blockLength = 20 + 12 + jpeg.count
        var record = Array("FAC".utf8) + [0] + Array("010".utf8) + [0]
        record += be(14 + blockLength, 4) + be(1, 2)
        record += be(blockLength, 4) + be(0, 2) + [0, 0, 0] + [0, 0, 0] + be(0, 2) + [0, 0, 0] + [0, 0, 0]
        record += [0x01, 0x00] + be(width, 2) + be(height, 2) + [0x01, 0x02] + be(0, 2) + be(0, 2)
        return record + jpeg
    }

    /// A 90×120 grey JPEG silhouette marked "TEST", the portrait of development cards (`--test-identity`).
    public static let testPortrait: (jpeg: [UInt8], width: Int, height: Int) = (
        Array(Data(base64Encoded: "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//wAALCAB4AFoBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APQqKKKKKKKKKKKKKKKKKKKKKKKKKKKzb7V47ZmiiXzJBweflB/rWU2r3xYkTAAnoEHH6VZtdbkX5bpN4/vLwfy6fyrbikSaNZI2DIwyCKfRRRRRRWbrN61tCsUTYkk7jqB/T/8AXXO0UVe0m9a2uFRm/cucMD0B9faumoooooorltVl83UZSC2FO0A9scH9c1UooorrNPl86xhkyxJXBLdSRwf5VYooooorkb3/AI/rj/ro386hooorp9H/AOQXD/wL/wBCNXaKKKKK53XYGjvfNPKyjI+oGCP5fnWbRRSojSOqIMsxAA967CCPyoI4s52KFz64FPoooooqve2qXluYnJHOVI7GuXubeS2mMUq4YfkR6io6K3tI00wkXM4Ikx8q/wB36+/+fprUUUUUUUVXumtGXyrp4sEZ2uwH4isdodGLEi5lAJ6AHj/x2rtj/ZcK74ZY9wON8hw3649e1adFFFFFFMlkSGNpJGCooySawL3V5pztgLQx+x+Y/j2rNYlmLMSSTkk96KKsW17c2xHlSttH8B5X8q6Cwv471TgbJF6oTnj1FXKKKKa7rGjO5wqgkn2rmdRv3vZMDKxKflX+p96p0UUUU6KR4ZFkjYq6nIIrptOvlvYScbZEwHHb6irlFFY+v3JVEtlI+cbnGO2eP1z+VYdFFFFFFWdPuTa3aSZAUna+Rn5c811dFFcpqMhk1CdmxkOV49uP6VWp8MLzuEj2licAFgM/nTzayhN58vbkjPmryRj39xSfZpdgbaoBx1YDGehPPA+tJNBJBjzNuSAQA4PUZHQ1HRRXU6XIZNOgZsZC7ePY4/pVuiuLoqW0dY7yCRzhVkVifQA1NG8JsVjdot4dj8+/gEL0x9D1okkia1IZ1dtqhPlIZenBPQjr+lQ3TrJKrIcgRov4hQD+oqKiiug8P/8AHi//AF0P8hWpRXGyxmKV42wSjFTj2ptFFFFFFFdHoUZTT9xxh3LD+X9K0a//2Q==")!), 90, 120)
}
