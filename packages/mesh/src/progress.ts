// The CLIs' one progress bar lives in @movies/cli-kit; this path stays for the analyzer's import.
export { progressBar } from '@movies/cli-kit';
