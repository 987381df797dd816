import LicnaPKI

/// libFuzzer entry point over the timestamp authority's request parser (RFC 3161 §2.4.1), which reads untrusted bytes
/// from any client. Build and run (scripts/fuzz runs every target):
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaTSAFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaTSAFuzz -max_total_time=60 fuzz/corpus/tsa-request
///
/// Besides "no crash, no hang": an accepted request is version 1 with a known hash of the right length, and encoding
/// it again gives a request that parses to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTimeStampRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let request = try? TimeStampRequest(derEncoded: bytes) else { return 0 }
    guard request.version == 1 else { fatalError("a request of version \(request.version) was accepted") }
    guard let algorithm = try? request.messageImprint.digestAlgorithm else {
        fatalError("a request with an unknown hash algorithm was accepted")
    }
    guard request.messageImprint.hashedMessage.count == algorithm.outputLength else {
        fatalError("a message imprint of the wrong length was accepted")
    }
    do {
        let again = try TimeStampRequest(derEncoded: try request.derBytes())
        guard again == request else { fatalError("the request changed when encoded again") }
    } catch {
        fatalError("an accepted request cannot be encoded and read again: \(error)")
    }
    return 0
}
