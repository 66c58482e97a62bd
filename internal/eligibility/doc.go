// Package eligibility decides whether an establishment may receive a
// support scheme (nội dung/mức hỗ trợ khuyến công) and explains why.
//
// A scheme version (Rule) holds labelled criteria: a field, an operator
// and a value ("Số lao động từ 10 trở lên": workers >= 10), or an advanced
// formula in the expr language. Criteria are compiled with expr against
// the typed Facts when a rule is saved, so an unknown field or a type
// error is rejected with its position; evaluation never runs unbounded
// (expr programs terminate and keep its default node and memory limits).
// Eligibility criteria combine as OR inside a group and AND across
// groups; priority criteria add points. Explanations (passed, failed with
// the actual value, the requirement and the gap, or undetermined because
// a fact is missing) are built from the criteria, not from the engine.
//
// Simple criteria are also evaluated natively from their pre-parsed
// values (the same answer as their expr program, which a test checks),
// so bulk screening with Matches costs tens of nanoseconds per rule;
// formulas run on pooled expr VMs.
//
// The package has no SQL and no I/O: the app loads rules and facts and
// calls Compile, Evaluate, Matches, SupportFor, NearEligible and
// SuggestGroups. User-visible text is locale keys ("elig.*", in
// internal/locale/messages/*/eligibility.json) with display arguments.
// It imports only kc, vi and expr; never store, app, web, api, locale or
// another domain package.
package eligibility
