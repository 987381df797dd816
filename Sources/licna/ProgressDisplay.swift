import Foundation
import LicnaCommandLine
import LicnaServer

/// Shows an import's progress on standard error: a bar redrawn in place on a terminal (rows, rate, ETA), plain
/// lines at most every two seconds otherwise (logs, CI).
final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = Terminal.standardErrorIsTerminal
    private var lastLine: ContinuousClock.Instant?
    private var drewBar = false

    func update(_ progress: ImportProgress) {
        lock.lock(); defer { lock.unlock() }
        let rate = progress.elapsedSeconds > 0 ? Double(progress.rowsDone) / progress.elapsedSeconds : 0
        let phase = Terminal.text("cli.progress.\(progress.phase)")
        var text: String
        if let total = progress.rowsTotal, total > 0 {
            let fraction = min(1, Double(progress.rowsDone) / Double(total))
            let eta = rate > 0 ? Int((Double(total - progress.rowsDone) / rate).rounded()) : 0
            text = Terminal.text("cli.progress.line", ["phase": phase, "done": "\(progress.rowsDone)", "total": "\(total)",
                                                        "percent": "\(Int(fraction * 100))", "rate": "\(Int(rate))", "eta": "\(eta)"])
            if isTerminal {
                let width = 24
                let filled = Int(fraction * Double(width))
                text = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + text
            }
        } else {
            text = Terminal.text("cli.progress.line-open", ["phase": phase, "done": "\(progress.rowsDone)", "rate": "\(Int(rate))"])
        }
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
            drewBar = true
        } else if lastLine.map({ $0.duration(to: .now) >= .seconds(2) }) ?? true || progress.rowsDone == progress.rowsTotal {
            FileHandle.standardError.write(Data((text + "\n").utf8))
            lastLine = .now
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drewBar { FileHandle.standardError.write(Data("\n".utf8)); drewBar = false }
    }
}
