/// The life events the catalogue is browsed by: the moments that send a citizen to the administration
/// (the EU Single Digital Gateway's life-event model, Regulation (EU) 2018/1724, Annex II, reduced to eight).
public enum LifeEvent: String, Sendable, Hashable, CaseIterable, Codable {
    case birth, school, marriage, moving, work, business, retirement, death
}
