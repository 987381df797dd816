import Crypto
import Foundation
import LicnaBasics

/// Pairwise subject identifiers (OpenID Connect Core §8.1): HMAC-SHA256, under a key the installation derives from
/// its master key (the secret salt), over the sector identifier and the account's stable internal id. One person is a
/// different `sub` at each sector and the same one at every client of a sector; without the key the values cannot be
/// linked or reversed.
public struct PairwiseSubject: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    public func subject(accountID: String, sector: String) -> String {
        var message = Data(sector.utf8)
        message.append(0)
        message.append(Data(accountID.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64URLEncoded
    }
}
