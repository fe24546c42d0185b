package keyring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/godbus/dbus/v5"
)

// Secret Service names (freedesktop.org Secret Service API 0.2).
const (
	secretsName     = "org.freedesktop.secrets"
	secretsPath     = dbus.ObjectPath("/org/freedesktop/secrets")
	serviceIface    = "org.freedesktop.Secret.Service"
	collectionIface = "org.freedesktop.Secret.Collection"
	itemIface       = "org.freedesktop.Secret.Item"
	propsGet        = "org.freedesktop.DBus.Properties.Get"
	// go-keyring stores into the collection named "login" when there is one,
	// else into the one behind the "default" alias; so do we.
	loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	// Attributes go-keyring writes on every item: {"service": service,
	// "username": account}. secret-tool and libsecret clients can write the
	// same pair.
	attrService = "service"
	attrAccount = "username"
)

// Messages for the ways the Secret Service can be missing, meant for the
// person reading the extension's popup or `otpfill doctor`.
var (
	errNoBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set): " +
		"run otpfill from your desktop session, or start a bus with dbus-run-session")
	errNoSecretService = errors.New("no Secret Service on the session bus: " +
		"start gnome-keyring or KeePassXC's Secret Service integration")
	errNoCollection = errors.New("the Secret Service has no default keyring: " +
		"create one (for example in Seahorse, \"Passwords and Keys\") and retry")
	errLocked = errors.New("keyring is locked: " +
		"unlock it (e.g. log in to your desktop session) and retry")
)

func (s *Store) check(ctx context.Context) error { return s.ready(ctx) }

// ready runs before every go-keyring call. Besides giving clear errors, it
// keeps go-keyring out of two traps: with no bus address godbus would run
// dbus-launch (a stray daemon), and on a locked collection go-keyring would
// wait, without any timeout, for an unlock prompt that a browser's
// native-messaging host may never show.
func (s *Store) ready(ctx context.Context) error {
	_, err := s.collection(ctx)
	return err
}

func (s *Store) written(context.Context, string) error { return nil }
func (s *Store) removed(context.Context, string) error { return nil }

// list searches the collection go-keyring writes to for every item with
// service=<service> and returns their accounts.
func (s *Store) list(ctx context.Context) ([]string, error) {
	return call(ctx, func() ([]string, error) {
		conn, err := connect(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		coll, err := findCollection(ctx, conn)
		if err != nil {
			return nil, err
		}
		var items []dbus.ObjectPath
		err = conn.Object(secretsName, coll).CallWithContext(ctx, collectionIface+".SearchItems",
			dbus.FlagNoAutoStart, map[string]string{attrService: s.service}).Store(&items)
		if err != nil {
			return nil, unavailable(fmt.Errorf("searching the keyring: %w", err))
		}
		names := make([]string, 0, len(items))
		for _, item := range items {
			var attrs map[string]string
			if err := getProperty(ctx, conn, item, itemIface, "Attributes", &attrs); err != nil {
				return nil, unavailable(fmt.Errorf("reading a keyring item's attributes: %w", err))
			}
			if name := attrs[attrAccount]; name != "" {
				names = append(names, name)
			}
		}
		return names, nil
	})
}

// collection checks the Secret Service on a private connection and returns
// the path of the collection go-keyring will use.
func (s *Store) collection(ctx context.Context) (dbus.ObjectPath, error) {
	return call(ctx, func() (dbus.ObjectPath, error) {
		conn, err := connect(ctx)
		if err != nil {
			return "", err
		}
		defer conn.Close()
		return findCollection(ctx, conn)
	})
}

// connect opens a private connection to the session bus. The connection
// closes itself when ctx ends, which also unblocks a bus that accepted the
// socket but does not answer.
func connect(ctx context.Context) (*dbus.Conn, error) {
	// NoAutoStartup: with no address in the environment godbus looks for
	// /run/user/UID/bus (systemd desktops) and stops there, where the
	// default would run dbus-launch.
	conn, err := dbus.SessionBusPrivateNoAutoStartup(dbus.WithContext(ctx))
	if err != nil {
		if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a == "" || a == "autolaunch:" {
			return nil, unavailable(errNoBus)
		}
		return nil, unavailable(fmt.Errorf("cannot reach the D-Bus session bus: %w", err))
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, unavailable(fmt.Errorf("cannot authenticate to the D-Bus session bus: %w", err))
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, unavailable(fmt.Errorf("the D-Bus session bus does not answer: %w", err))
	}
	return conn, nil
}

func findCollection(ctx context.Context, conn *dbus.Conn) (dbus.ObjectPath, error) {
	// NameHasOwner, not a call to the service: a call could D-Bus-activate a
	// keyring daemon that then waits for a password nobody is there to type.
	var running bool
	err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&running)
	if err != nil {
		return "", unavailable(fmt.Errorf("asking the session bus for the Secret Service: %w", err))
	}
	if !running {
		return "", unavailable(errNoSecretService)
	}
	var collections []dbus.ObjectPath
	if err := getProperty(ctx, conn, secretsPath, serviceIface, "Collections", &collections); err != nil {
		return "", unavailable(fmt.Errorf("listing the Secret Service's keyrings: %w", err))
	}
	coll := loginCollection
	if !slices.Contains(collections, loginCollection) {
		err := conn.Object(secretsName, secretsPath).CallWithContext(ctx, serviceIface+".ReadAlias",
			dbus.FlagNoAutoStart, "default").Store(&coll)
		if err != nil {
			return "", unavailable(fmt.Errorf("finding the default keyring: %w", err))
		}
		if coll == "/" || coll == "" {
			return "", unavailable(errNoCollection)
		}
	}
	var locked bool
	if err := getProperty(ctx, conn, coll, collectionIface, "Locked", &locked); err != nil {
		return "", unavailable(fmt.Errorf("asking whether the keyring is locked: %w", err))
	}
	if locked {
		return "", unavailable(errLocked)
	}
	return coll, nil
}

func getProperty(ctx context.Context, conn *dbus.Conn, path dbus.ObjectPath, iface, prop string, v any) error {
	var variant dbus.Variant
	err := conn.Object(secretsName, path).CallWithContext(ctx, propsGet, dbus.FlagNoAutoStart, iface, prop).Store(&variant)
	if err != nil {
		return err
	}
	return dbus.Store([]any{variant.Value()}, v)
}
