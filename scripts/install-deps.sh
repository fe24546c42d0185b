#!/usr/bin/env bash
# Installs what otpfill's tests need on Debian/Ubuntu: the real gpg, pass,
# pass-otp, oathtool, gnome-keyring, D-Bus, Chromium and Firefox ESR. As root it
# installs missing packages with apt; otherwise it lists what is missing.
set -euo pipefail
pkgs=(gnupg pass pass-extension-otp oathtool gnome-keyring libsecret-tools dbus
      chromium firefox-esr hyperfine git openssl ca-certificates qrencode zbar-tools time python3
      python3-protobuf python3-cryptography ghostscript)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q "${missing[@]}"
