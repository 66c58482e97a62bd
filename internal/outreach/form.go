package outreach

import "khuyencong/internal/kc"

// Choose returns the session the village's profile calls for (see the
// package doc for the rules), with its numbers and its reason. ok is false
// when the village has nobody to reach.
func Choose(v Village, p Params) (s Session, ok bool) {
	if v.Target <= 0 {
		return Session{}, false
	}
	interpreter := share(v.TargetEthnic, v.Target) >= p.EthnicShareBP && v.TargetEthnic > 0
	small := v.Target <= p.DoorToDoorMax
	var kind string
	var why Text
	switch {
	case interpreter && small:
		kind = kc.SessionDoorToDoor
		why = T("outreachplan.why.interpreter_door", v.TargetEthnic, v.Target, ethnicity(v), v.Target)
	case interpreter:
		kind = meetingKind(v)
		why = T("outreachplan.why.interpreter", v.TargetEthnic, v.Target, ethnicity(v), kindText(kind))
	case share(v.TargetPhone, v.Target) >= p.PhoneShareBP && v.TargetPhone > 0:
		kind = kc.SessionGroupMessage
		why = T("outreachplan.why.phone", v.TargetPhone, v.Target)
	case small:
		kind = kc.SessionDoorToDoor
		why = T("outreachplan.why.small", v.Target)
	default:
		kind = meetingKind(v)
		why = T("outreachplan.why.meeting", v.TargetEthnic, v.Target, v.TargetPhone, v.Target, kindText(kind))
	}
	s = Price(v, kind, interpreter, p)
	if s.Reached == 0 {
		return Session{}, false
	}
	s.Reason = T("outreachplan.reason", Place(v), v.Target, lastText(v.LastSession), why, s.Reached)
	return s, true
}

// Price returns a session of the given kind at the village, with or without
// an interpreter, and its addressed, reached, cost and half days under p;
// its Reason is empty. An interpreter is kept only for kinds where officers
// meet the producers (meetings, door-to-door visits, fair stands).
func Price(v Village, kind string, interpreter bool, p Params) Session {
	f := p.Forms[kind]
	interpreter = interpreter && meets(kind)
	addressed := max(v.Target, 0)
	if kind == kc.SessionGroupMessage {
		addressed = min(max(v.TargetPhone, 0), addressed)
	}
	reached := addressed * f.ReachBP / 10000
	if reached == 0 && addressed > 0 && f.ReachBP > 0 {
		reached = 1
	}
	cost := f.Cost + f.CostPerProducer*int64(addressed)
	lang := "vi"
	if interpreter {
		cost += p.InterpreterCost
		if v.MainEthnicity != "" {
			lang = v.MainEthnicity
		}
	}
	return Session{
		Village: v, Kind: kind, Interpreter: interpreter, Language: lang,
		Addressed: addressed, Reached: reached, Cost: cost, HalfDays: f.HalfDays,
		Trip: f.Trip, TripIndex: -1,
	}
}

// meets reports whether officers meet producers in person at a session of
// the kind, so that an interpreter makes sense.
func meets(kind string) bool {
	switch kind {
	case kc.SessionVillageMeeting, kc.SessionCommuneConference, kc.SessionDoorToDoor, kc.SessionFairStand:
		return true
	}
	return false
}

// meetingKind is a village meeting, or a commune conference for producers
// with no village recorded.
func meetingKind(v Village) string {
	if v.Village == "" {
		return kc.SessionCommuneConference
	}
	return kc.SessionVillageMeeting
}

// share returns part/whole in basis points.
func share(part, whole int) int {
	if whole <= 0 {
		return 0
	}
	return int(int64(part) * 10000 / int64(whole))
}

// Place names the village and its commune.
func Place(v Village) Text {
	if v.Village == "" {
		return T("outreachplan.place.commune", v.CommuneName)
	}
	return T("outreachplan.place", v.Village, v.CommuneName)
}

// KindText is the name of a session kind.
func kindText(kind string) Text { return T("outreachplan.kind." + kind) }

func ethnicity(v Village) Text {
	if v.MainEthnicity == "" {
		return T("outreachplan.ethnicity.unknown")
	}
	return T("outreachplan.ethnicity", v.MainEthnicity)
}

func lastText(d kc.Date) any {
	if d.IsZero() {
		return T("outreachplan.last.never")
	}
	return d
}
