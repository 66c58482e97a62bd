// Package outreach plans outreach sessions (buổi tuyên truyền): given the
// villages of a unit with, for each, the producers that are likely eligible
// for support and were not reached in the last 12 months, it proposes the
// sessions that reach the most of them within the staff days, the budget and
// the working days of a period, and explains every choice.
//
// The package is pure: no database, no application layer. Explanations are
// Text values (a locale key and its arguments) that the caller renders.
//
// # Forms
//
// The form of a village's session follows its profile (thresholds in
// Params, all of them assumptions the province sets):
//
//  1. ethnic-minority households make up at least EthnicShareBP of the target
//     → the session has an interpreter (in MainEthnicity), as a door-to-door
//     round when the target is at most DoorToDoorMax, else a village meeting;
//  2. otherwise, at least PhoneShareBP of the target have a phone → a group
//     message (Zalo), which addresses only those with a phone and needs no trip;
//  3. otherwise, a target of at most DoorToDoorMax → door-to-door visits;
//  4. otherwise a village meeting.
//
// Producers with no village recorded are planned at commune level, where a
// meeting is a commune conference.
//
// The expected number reached is the producers addressed × the form's reach
// (basis points) / 10000, rounded down, and at least 1 when anyone is
// addressed. A session costs the form's cost, plus its cost per producer
// addressed, plus the interpreter; it takes the form's half days of staff.
//
// # Trips
//
// Sessions that need a trip are grouped per commune: one trip day holds up
// to SessionsPerDay sessions of one commune and costs TravelCost. The
// villages of one commune are visited together, on consecutive working days.
// One team travels, so trip days never exceed the working days of the period.
//
// # Selection
//
// A greedy pass adds, one step at a time, the feasible option with the most
// expected reached per unit of the scarcer resource: the largest of its cost
// over the budget, its half days over the staff half days and its new trip
// days over the working days, counting the travel of a trip day it opens.
// Options are single sessions and, for a commune with no half-filled trip
// day, bundles of its sessions filling a trip day (its best sessions by
// reach, or by reach per đồng, taken while they fit), so that a trip is
// judged by all it reaches. An improvement pass then repeats the first
// move that improves the plan: swap one chosen session for one or two
// unchosen ones, or two for one; or drop a group of chosen sessions (one, a
// commune's, those without a trip, two of the weakest) and refill without
// them. A move improves when it raises the total reached, or keeps it for
// less money, or for less staff time, within every limit; the greedy fill
// runs again after each move. The whole is run with three greedy scores
// (reach per share of the scarcer resource, per summed shares, reach
// alone) and the best result kept. Ties break on input order, so the plan
// is deterministic. On small random instances it matches the exhaustive
// optimum almost always (see TestPlanNearOptimalOnSmallInstances).
//
// # Schedule
//
// Trips are placed in decreasing order of expected reached, spread evenly
// over the working days of [From, To] (Monday to Friday, less the holidays
// the request lists); sessions that need no trip take the first working
// day.
//
// # Baseline
//
// Baseline places the same number of sessions in the communes with the most
// registered producers (one per commune in that order, wrapping), each a
// village meeting in the commune's largest village not yet visited, under the
// same reach model, so a plan can be compared with the habit of going where
// the producers are most numerous.
package outreach
