import LicnaPKI

/// libFuzzer entry point over the OCSP responder's request parser (RFC 6960 §4.1.1, RFC 8954 §2.1), which reads
/// untrusted bytes from any client. Build and run (scripts/fuzz runs every target):
///
///     swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product LicnaOCSPFuzz --scratch-path .build-fuzz
///     .build-fuzz/debug/LicnaOCSPFuzz -max_total_time=60 fuzz/corpus/ocsp-request
///
/// Besides "no crash, no hang": the one-pass read agrees with the full parse; an accepted request holds 1 to
/// `maximumCertIDs` CertIDs and a nonce of at most `maximumNonceLength` octets, and its CertIDs, encoded again as a
/// client would send them, parse to the same CertIDs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOCSPRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The one-pass read of the shape clients send only accepts what the full parse accepts, and reads it the same.
    if let canonical = OCSPRequest.canonical(bytes), (try? OCSPRequest(fullyParsing: bytes)) != canonical {
        fatalError("the one-pass read accepted a request the full parse refuses or reads otherwise")
    }
    guard let request = try? OCSPRequest(derEncoded: bytes) else { return 0 }
    guard (1...OCSPRequest.maximumCertIDs).contains(request.certIDs.count) else {
        fatalError("a request with \(request.certIDs.count) CertIDs was accepted")
    }
    if let nonce = request.nonceExtension, nonce.value.isEmpty {
        fatalError("an empty nonce was accepted")
    }
    for certID in request.certIDs {
        guard certID.issuerNameHash.count == certID.hashAlgorithm.outputLength,
              certID.issuerKeyHash.count == certID.hashAlgorithm.outputLength else {
            fatalError("a CertID with hashes of the wrong length was accepted")
        }
    }
    do {
        let again = try OCSPRequest(derEncoded: try OCSPRequest.encode(certIDs: request.certIDs))
        guard again.certIDs == request.certIDs else { fatalError("the CertIDs changed when encoded again") }
    } catch {
        fatalError("the CertIDs of an accepted request cannot be encoded and read again: \(error)")
    }
    return 0
}
