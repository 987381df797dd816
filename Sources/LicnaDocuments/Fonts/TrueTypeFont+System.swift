import Foundation

extension TrueTypeFont {
    /// Where Debian's `fonts-dejavu-core` puts DejaVu Sans, which covers Latin Extended (č ć š ž đ ś ź ë ç) and
    /// Cyrillic (ђ ћ ѓ ќ ѕ џ љ њ): the default font of documents Licna issues. Font files are not shipped with
    /// Licna; the system provides them.
    public static let defaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    /// The bold face from the same package, used for headings when present.
    public static let defaultBoldFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    /// Reads the font at `path`; a missing file gives an error that says what to install.
    public static func load(path: String = defaultFontPath) throws -> TrueTypeFont {
        guard FileManager.default.fileExists(atPath: path) else {
            throw FontError(
                .notFound,
                "no font at \(path): install DejaVu Sans (Debian/Ubuntu: apt-get install fonts-dejavu-core) "
                    + "or configure the path of a TrueType font that covers Latin and Cyrillic")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FontError(.notFound, "cannot read the font at \(path): \(error.localizedDescription)")
        }
        do {
            return try TrueTypeFont(data: data)
        } catch let error as FontError {
            throw FontError(error.code, "\(path): \(error.detail)")
        }
    }
}
