// Package layout holds the test that keeps the module's shape: one
// direction of dependency, host → install → internal (protocol a leaf
// beside them), and nothing public but protocol, install and the binary.
// See docs/DECISIONS.md, "Layout".
package layout
