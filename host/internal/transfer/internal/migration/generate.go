// Package migration holds the protobuf messages of Google Authenticator's
// otpauth-migration export, generated from migration.proto.
package migration

//go:generate protoc --go_out=. --go_opt=paths=source_relative migration.proto
