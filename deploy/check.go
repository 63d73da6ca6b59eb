package deploy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ossgate/ossgate/function/config"
)

var roleARN = regexp.MustCompile(`^acs:ram::[0-9]{10,20}:role/[A-Za-z0-9.@_-]+$`)

// Check is the pre-flight check `make deploy` runs on the project as
// `s preview -o json` renders it (every ${...} resolved with the chosen
// access and the environment). It returns one line for every missing or
// invalid piece of configuration, in a stable order; none means deploy may
// run. Each function's environment must load with the same loader the
// function runs at cold start (config.LoadEnviron, which also refuses an
// OSSGATE_ variable no function reads), so a deployment that would not
// start is refused here; the ros stack must agree with the functions
// (checkStack). Relative code paths are taken from baseDir.
func Check(p Project, baseDir string) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	names := make([]string, 0, len(p.Resources))
	for n := range p.Resources {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Contains(fmt.Sprint(p.Resources), "${config(") {
		add("access %q is not configured (or has no AccountID): run npx --prefix deploy s config add -a %s --AccessKeyID ... --AccessKeySecret ... --AccountID ...", p.Access, p.Access)
	}
	sweepAges := map[time.Duration][]string{} // OSSGATE_SWEEP_AGE → the functions that read it
	p = p.WithStackOutputs("")
	out = append(out, checkStack(p, baseDir)...)
	for _, n := range names {
		if p.Resources[n].Component != "fc3" {
			continue
		}
		pr := p.Resources[n].Props
		if !strings.Contains(pr.Role, "${") && !roleARN.MatchString(pr.Role) {
			add("%s: role %q is not a RAM role ARN acs:ram::<account>:role/<name>", n, pr.Role)
		}
		if pr.Code == "" {
			add("%s: no code path", n)
		} else if _, err := os.Stat(filepath.Join(baseDir, pr.Code)); err != nil {
			add("%s: code %s is missing: run make package", n, pr.Code)
		}
		for _, t := range pr.Triggers {
			if t.TriggerType != "oss" {
				continue
			}
			if !strings.Contains(t.InvocationRole, "${") && !roleARN.MatchString(t.InvocationRole) {
				add("%s: trigger %s: invocationRole %q is not a RAM role ARN", n, t.TriggerName, t.InvocationRole)
			}
			if parts := strings.Split(t.SourceArn, ":"); !strings.Contains(t.SourceArn, "${") &&
				(len(parts) != 5 || parts[4] == "" || !accountID.MatchString(parts[3])) {
				add("%s: trigger %s: sourceArn %q is not acs:oss:<region>:<account>:<bucket>", n, t.TriggerName, t.SourceArn)
			}
		}
		for _, problem := range checkVPC(pr.VPCConfig) {
			add("%s: vpcConfig: %s", n, problem)
		}
		fn := config.Function(pr.EnvironmentVariables[config.VarFunction])
		if fn != config.Sign && fn != config.Record && fn != config.Sweep {
			add("%s: %s must be sign, record or sweep, got %q", n, config.VarFunction, fn)
			continue
		}
		environ := make([]string, 0, len(pr.EnvironmentVariables))
		for k, v := range pr.EnvironmentVariables {
			environ = append(environ, k+"="+v)
		}
		c, err := config.LoadEnviron(fn, environ)
		if err == nil && (fn == config.Sign || fn == config.Sweep) {
			sweepAges[c.SweepAge] = append(sweepAges[c.SweepAge], n)
		}
		var ce *config.Error
		switch {
		case errors.As(err, &ce):
			for _, p := range ce.Problems {
				add("%s: %v", n, p)
			}
		case err != nil:
			add("%s: %v", n, err)
		}
	}
	if len(sweepAges) > 1 {
		var ages []string
		for age, fns := range sweepAges {
			ages = append(ages, fmt.Sprintf("%s %s", strings.Join(fns, ", "), age))
		}
		sort.Strings(ages)
		add("%s differs between the functions that read it (%s): the sign function counts a multipart upload against its quota for as long as the sweep function lets it be completed, so give them one value",
			config.VarSweepAge, strings.Join(ages, "; "))
	}
	return out
}

var (
	vpcID   = regexp.MustCompile(`^vpc-[a-z0-9]+$`)
	vswID   = regexp.MustCompile(`^vsw-[a-z0-9]+$`)
	sgID    = regexp.MustCompile(`^sg-[a-z0-9]+$`)
	vpcVars = "fill in the vars vpcId, vSwitchId and securityGroupId"
)

// checkVPC returns the problems of a function's vpcConfig (none when it
// has none): the VPC, at least one vSwitch and the security group, each an
// ID of its kind.
func checkVPC(v *VPCConfig) []string {
	if v == nil {
		return nil
	}
	var out []string
	if !vpcID.MatchString(v.VpcID) {
		out = append(out, fmt.Sprintf("vpcId %q is not a VPC ID (vpc-...): %s", v.VpcID, vpcVars))
	}
	if len(v.VSwitchIDs) == 0 {
		out = append(out, "no vSwitchIds: "+vpcVars)
	}
	for _, id := range v.VSwitchIDs {
		if !vswID.MatchString(id) {
			out = append(out, fmt.Sprintf("vSwitchId %q is not a vSwitch ID (vsw-...): %s", id, vpcVars))
		}
	}
	if !sgID.MatchString(v.SecurityGroupID) {
		out = append(out, fmt.Sprintf("securityGroupId %q is not a security group ID (sg-...): %s", v.SecurityGroupID, vpcVars))
	}
	return out
}
