package auth

import "khuyencong/internal/kc"

// Perm is something a role may be allowed to do. Scope (which units) is
// checked separately by the application layer.
type Perm string

// The permissions. Each maps to a set of roles in the table below.
const (
	// PermManageUsers: create accounts, set passwords, disable accounts.
	PermManageUsers Perm = "manage_users"
	// PermManageSettings: system settings, administrative units, backups.
	PermManageSettings Perm = "manage_settings"
	// PermViewAudit: read and verify the audit log.
	PermViewAudit Perm = "view_audit"
	// PermViewRegistry: read establishments (personal data masked).
	PermViewRegistry Perm = "view_registry"
	// PermWriteRegistry: create and change establishments and their facts.
	PermWriteRegistry Perm = "write_registry"
	// PermRevealPersonal: see unmasked owner data (each read is audited).
	PermRevealPersonal Perm = "reveal_personal"
	// PermExportPersonal: export lists that include owner data.
	PermExportPersonal Perm = "export_personal"
	// PermManageSchemes: edit support schemes, criteria and caps.
	PermManageSchemes Perm = "manage_schemes"
	// PermDraftProjects: register and draft projects.
	PermDraftProjects Perm = "draft_projects"
	// PermDecideProjects: appraise, approve, accept and settle projects.
	PermDecideProjects Perm = "decide_projects"
	// PermScoreProjects: enter council scores for assigned projects.
	PermScoreProjects Perm = "score_projects"
	// PermManagePlans: yearly plans, envelopes and the portfolio optimiser.
	PermManagePlans Perm = "manage_plans"
	// PermWriteOutreach: plan outreach campaigns and record sessions.
	PermWriteOutreach Perm = "write_outreach"
	// PermViewReports: dashboards and period reports within scope.
	PermViewReports Perm = "view_reports"
)

// roleSet is a set of roles.
type roleSet map[kc.Role]bool

func roles(rs ...kc.Role) roleSet {
	m := roleSet{}
	for _, r := range rs {
		m[r] = true
	}
	return m
}

// table is the permission table of DESIGN §2:
//
//   - admin (system administrator at the provincial Department of Industry
//     and Trade): everything, including users and settings.
//   - province_officer (provincial industrial-promotion centre): the whole
//     province: registry, personal data, schemes, appraisal decisions, plans,
//     outreach and reports; no user or settings management.
//   - commune_officer (economic officer of a commune): own communes:
//     registry, personal data of their producers, drafting projects,
//     outreach and reports; no export of personal data.
//   - council_member (appraisal or product-voting council): scores the
//     projects assigned to the council and reads reports.
//   - viewer (leaders, auditors): read-only registry (masked) and reports.
var table = map[Perm]roleSet{
	PermManageUsers:    roles(kc.RoleAdmin),
	PermManageSettings: roles(kc.RoleAdmin),
	PermViewAudit:      roles(kc.RoleAdmin),
	PermViewRegistry:   roles(kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer, kc.RoleViewer),
	PermWriteRegistry:  roles(kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer),
	PermRevealPersonal: roles(kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer),
	PermExportPersonal: roles(kc.RoleAdmin, kc.RoleProvinceOfficer),
	PermManageSchemes:  roles(kc.RoleAdmin, kc.RoleProvinceOfficer),
	PermDraftProjects:  roles(kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer),
	PermDecideProjects: roles(kc.RoleAdmin, kc.RoleProvinceOfficer),
	PermScoreProjects:  roles(kc.RoleCouncilMember),
	PermManagePlans:    roles(kc.RoleAdmin, kc.RoleProvinceOfficer),
	PermWriteOutreach:  roles(kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer),
	PermViewReports:    roles(kc.RoleAdmin, kc.RoleProvinceOfficer, kc.RoleCommuneOfficer, kc.RoleCouncilMember, kc.RoleViewer),
}

// Perms lists every permission in a stable order, for documentation pages
// and tests.
var Perms = []Perm{
	PermManageUsers, PermManageSettings, PermViewAudit, PermViewRegistry, PermWriteRegistry,
	PermRevealPersonal, PermExportPersonal, PermManageSchemes, PermDraftProjects, PermDecideProjects,
	PermScoreProjects, PermManagePlans, PermWriteOutreach, PermViewReports,
}

// Can reports whether role may do perm. Unknown roles and permissions may
// do nothing.
func Can(role kc.Role, perm Perm) bool {
	return table[perm][role]
}

// ScopeKind says what a role's scope must consist of.
type ScopeKind int

// Scope kinds.
const (
	ScopeNone     ScopeKind = iota // admin: everything, no scope units
	ScopeProvince                  // exactly one province unit
	ScopeCommunes                  // one or more current communes
	ScopeAny                       // one or more units of any level (council members, viewers)
)

// ScopeOf returns what scope units a role needs.
func ScopeOf(role kc.Role) ScopeKind {
	switch role {
	case kc.RoleAdmin:
		return ScopeNone
	case kc.RoleProvinceOfficer:
		return ScopeProvince
	case kc.RoleCommuneOfficer:
		return ScopeCommunes
	}
	return ScopeAny
}
