package template

// SetFailAt makes s fail an upgrade at each step for which f returns an
// error ("roles", "forms.create", "forms.publish", "permissions",
// "parts.<kind>", "parts.<kind>.remove", "roles.remove", "forms.remove",
// "drafts", "installation"). For tests only.
func SetFailAt(s *Service, f func(step string) error) { s.failAt = f }
