/// The kind of object an audit entry names (`AuditRecord.objectType`). The raw value is what the trail stores.
public enum AuditObjectType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person of the civil registry, named by their internal id.
    case person
    /// The registry as a whole (searches, exports).
    case registry
    /// A CSV import, named by its id.
    case `import`
    /// A certificate, named by its serial number in lowercase hex.
    case certificate
    /// The CA hierarchy, named by its root.
    case certificateAuthority = "certificate-authority"
    /// The document signer of the CSCA.
    case documentSigner = "document-signer"
    /// A sealed document, named by its digest.
    case document
    /// A card, named by its serial number.
    case card
    /// A card application and the card made for it, named by the application's id.
    case cardApplication = "card-application"
    /// The installation's settings, named by the setting.
    case setting
    /// A sign-on account, named by its internal id.
    case account
    /// A relying party, named by its client id.
    case client
    /// One of the identity provider's signing keys, by its key id.
    case signingKey = "signing-key"
    /// A mandate one adult gave another, by its id.
    case mandate
}
