# OneCLI.app for Homebrew. A cask, not a formula: the app bundle keeps one bundle id and one
# Team ID across upgrades, so the Full Disk Access grant survives them (docs/macos.md).
# After each release: set version and the two sha256 (the release workflow's summary lists them).
cask "onecli" do
  arch arm: "arm64", intel: "x64"

  version "0.1.0"
  sha256 arm:   "0000000000000000000000000000000000000000000000000000000000000000",
         intel: "0000000000000000000000000000000000000000000000000000000000000000"

  url "https://github.com/onecli/onecli-launcher/releases/download/v#{version}/OneCLI-#{version}-#{arch}.dmg"
  name "OneCLI"
  desc "Menu-bar gateway that injects 1Password credentials into AI agents' API calls"
  homepage "https://github.com/onecli/onecli-launcher"

  livecheck do
    url :url
    strategy :github_latest
  end

  # OneCLI updates itself (electron-updater); `brew upgrade` leaves it alone unless --greedy.
  auto_updates true
  depends_on macos: ">= :ventura"

  app "OneCLI.app"

  uninstall quit: "sh.onecli.launcher"

  zap trash: [
    "~/Library/Application Support/OneCLI",
    "~/Library/Caches/onecli-launcher-updater",
    "~/Library/Caches/sh.onecli.launcher",
    "~/Library/Caches/sh.onecli.launcher.ShipIt",
    "~/Library/HTTPStorages/sh.onecli.launcher",
    "~/Library/Logs/OneCLI",
    "~/Library/Preferences/sh.onecli.launcher.plist",
    "~/Library/Saved Application State/sh.onecli.launcher.savedState",
  ]

  caveats <<~EOS
    OneCLI needs Full Disk Access once, for the 1Password CLI it runs:
      System Settings → Privacy & Security → Full Disk Access → OneCLI
    Open OneCLI from Applications (not from a terminal) so the grant applies.
    Keychain items (service "sh.onecli.launcher") are not removed by zap.
  EOS
end
