export { setup as default } from "./global-tmpdir";
