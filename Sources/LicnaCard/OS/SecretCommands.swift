/// VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER over the card-global secrets, shared by every
/// application (ISO/IEC 7816-4 §11.5.6–§11.5.10; NIST SP 800-73-4 §3.2.1–§3.2.3).
enum SecretCommands {
    /// VERIFY: `00 20 00 <ref> [data]` checks or reads the state; `00 20 FF 80` logs out.
    static func verify(_ command: CommandAPDU, context: inout CardContext, references: Set<PINStore.Reference>) -> ResponseAPDU {
        // Only a VERIFY of the PIN itself (or the empty query of its state) leaves the 9C key ready to sign.
        let justVerified = context.session.pinJustVerified
        context.session.pinJustVerified = false
        guard command.p1 == 0x00 || command.p1 == 0xFF else { return ResponseAPDU(.incorrectP1P2) }
        guard let reference = PINStore.Reference(rawValue: command.p2), references.contains(reference) else {
            return ResponseAPDU(.referenceNotFound)
        }
        if command.p1 == 0xFF {
            guard command.data.isEmpty else { return ResponseAPDU(.wrongLength) }
            switch reference {
            case .pin: context.session.pinVerified = false
            case .can: context.session.accessNumberVerified = false
            case .puk: break
            }
            return ResponseAPDU()
        }
        let verified = reference == .pin ? context.session.pinVerified : context.session.accessNumberVerified
        let status = context.withSecrets { secrets, persist in
            try secrets.verify(reference, presented: command.data, verified: verified, persist: persist)
        }
        guard !command.data.isEmpty else {
            if reference == .pin, status.isSuccess { context.session.pinJustVerified = justVerified }
            return ResponseAPDU(status)
        }
        let matched = status.isSuccess
        switch reference {
        case .pin:
            context.session.pinVerified = matched
            context.session.pinJustVerified = matched
        case .can:
            context.session.accessNumberVerified = matched
        case .puk:
            break
        }
        return ResponseAPDU(status)
    }

    /// CHANGE REFERENCE DATA (`00 24 00 80|81`, old and new value) and, in personalization only, SET REFERENCE
    /// DATA (`00 24 01 80|81|82`, ISO 7816-4 §11.5.7: P1 `01` carries the new value only).
    static func change(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard let reference = PINStore.Reference(rawValue: command.p2) else { return ResponseAPDU(.referenceNotFound) }
        switch command.p1 {
        case 0x00:
            guard reference != .can else { return ResponseAPDU(.referenceNotFound) }
            let status = context.withSecrets { secrets, persist in
                try secrets.change(reference, data: command.data, persist: persist)
            }
            if reference == .pin, !status.isSuccess, command.data.count == 16 { context.session.pinVerified = false }
            return ResponseAPDU(status)
        case 0x01:
            if let refusal = Personalization.refusal(context) { return ResponseAPDU(refusal) }
            let formatted = reference == .can ? PINStore.canFormat(command.data) : command.data
            guard let formatted, formatted.count == 8 else { return ResponseAPDU(.wrongLength) }
            let minimum = reference == .puk ? 8 : 6
            guard let value = try? ReferenceData(pivFormatted: formatted),
                  formatted.prefix(while: { $0 != 0xFF }).count >= minimum else { return ResponseAPDU(.wrongData) }
            return ResponseAPDU(context.commit { $0.secrets.set(reference, to: value) })
        default:
            return ResponseAPDU(.incorrectP1P2)
        }
    }

    /// RESET RETRY COUNTER (`00 2C 00 80`, the PUK then the new PIN).
    static func resetRetryCounter(_ command: CommandAPDU, context: inout CardContext) -> ResponseAPDU {
        guard command.p1 == 0x00 else { return ResponseAPDU(.incorrectP1P2) }
        guard command.p2 == PINStore.Reference.pin.rawValue else { return ResponseAPDU(.referenceNotFound) }
        let status = context.withSecrets { secrets, persist in
            try secrets.resetPIN(data: command.data, persist: persist)
        }
        context.session.pinVerified = false
        return ResponseAPDU(status)
    }
}

/// The rules of the personalization state (docs/card.md, "Life cycle").
enum Personalization {
    /// Why a personalization command is refused now, or nil: `69 85` once operational, `69 82` without the
    /// management key.
    static func refusal(_ context: CardContext) -> StatusWord? {
        guard context.image.lifeCycle == .personalization else { return .conditionsNotSatisfied }
        guard context.session.managementKeyAuthenticated else { return .securityStatusNotSatisfied }
        return nil
    }
}
