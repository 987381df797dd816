import X509

extension Certificate {
    /// RFC 5280 §6.1.3 (a)(1), (a)(4): `issuer` names this certificate's issuer and its key verifies the signature.
    /// No validity, extension or revocation check: callers that need a path use X509's `Verifier`.
    public func isIssued(by issuer: Certificate) -> Bool {
        self.issuer == issuer.subject && issuer.publicKey.isValidSignature(signature, for: self)
    }

    /// Signed by its own key under its own name: a trust anchor, whose status no one else vouches for.
    public var isSelfSigned: Bool { isIssued(by: self) }
}
