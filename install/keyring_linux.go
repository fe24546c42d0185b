//go:build linux

package install

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/godbus/dbus/v5"
)

const (
	secretsName      = "org.freedesktop.secrets"
	secretsPath      = "/org/freedesktop/secrets"
	secretsInterface = "org.freedesktop.Secret.Service"
	loginCollection  = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
)

// probeKeyring checks the Secret Service the way the keyring store will use
// it (the "login" collection, else the default one) without unlocking
// anything: asking to unlock would pop up a password prompt that doctor
// would then abandon.
func (v *env) probeKeyring(ctx context.Context) check {
	const subject = "keyring"
	storeFix := "or keep codes in the pass store"
	addr := v.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" {
		if rt := v.Getenv("XDG_RUNTIME_DIR"); rt != "" && exists(rt+"/bus") {
			addr = "unix:path=" + rt + "/bus"
		}
	}
	if addr == "" {
		return check{statusWarn, subject, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so the Secret Service keyring cannot be reached",
			"run otpfill from your desktop session, " + storeFix}
	}
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		return check{statusWarn, subject, fmt.Sprintf("cannot connect to the D-Bus session bus: %v", err), "run otpfill from your desktop session, " + storeFix}
	}
	defer conn.Close()

	svc := conn.Object(secretsName, secretsPath)
	var collections dbus.Variant
	err = svc.CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, secretsInterface, "Collections").Store(&collections)
	if err != nil {
		return keyringCallFailed(ctx, err, storeFix)
	}
	collection := loginCollection
	if paths, ok := collections.Value().([]dbus.ObjectPath); !ok || !slices.Contains(paths, loginCollection) {
		if err := svc.CallWithContext(ctx, secretsInterface+".ReadAlias", 0, "default").Store(&collection); err != nil {
			return keyringCallFailed(ctx, err, storeFix)
		}
	}
	if collection == "/" || collection == "" {
		return check{statusWarn, subject, "the Secret Service is running but has no default keyring yet",
			"create one (for example in GNOME's Passwords and Keys) before saving codes there"}
	}
	var locked dbus.Variant
	err = conn.Object(secretsName, collection).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, "org.freedesktop.Secret.Collection", "Locked").Store(&locked)
	if err != nil {
		return keyringCallFailed(ctx, err, storeFix)
	}
	if l, _ := locked.Value().(bool); l {
		return check{statusWarn, subject, "the Secret Service keyring is reachable but locked; reading a code from it will pop up an unlock prompt",
			"unlock it (logging in to the desktop usually does)"}
	}
	return check{statusOK, subject, "Secret Service reachable, keyring unlocked", ""}
}

func keyringCallFailed(ctx context.Context, err error, storeFix string) check {
	const subject = "keyring"
	if ctx.Err() != nil {
		return check{statusWarn, subject, fmt.Sprintf("the Secret Service did not answer within %s", keyringTimeout),
			"check that your keyring daemon (gnome-keyring, KeePassXC, KWallet) is not stuck, " + storeFix}
	}
	var de dbus.Error
	if errors.As(err, &de) && (de.Name == "org.freedesktop.DBus.Error.ServiceUnknown" || de.Name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
		return check{statusWarn, subject, "no Secret Service keyring is running (nothing provides org.freedesktop.secrets)",
			"install and start gnome-keyring (or enable KeePassXC's Secret Service integration), " + storeFix}
	}
	return check{statusWarn, subject, fmt.Sprintf("the Secret Service answered with an error: %v", err), storeFix}
}
