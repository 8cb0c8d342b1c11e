// `npm start` runs this first, in plain JavaScript with no dependency, so an unsupported Node says
// so at once instead of failing in the middle of the UI build (Vite 8 needs ^20.19 || >=22.12).
// Usage: node server/scripts/check-node.mjs [version]   (the argument fakes a version for tests)
const version = (process.argv[2] ?? process.versions.node).replace(/^v/, "");
const [major = 0, minor = 0] = version.split(".").map(Number);
const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
if (!supported) {
  console.error(
    `Splitlab needs Node.js ^20.19 or >=22.12 (package.json "engines"); this is Node ${version}.\n` +
      "Install a newer Node (e.g. `nvm install 22`) and run `npm start` again.",
  );
  process.exit(1);
}
