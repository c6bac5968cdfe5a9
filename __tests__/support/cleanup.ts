// Every test file's temporary directories go when the file is done: a suite run leaves /tmp as it found it.
import { afterAll } from "vitest";
import { removeTempDirs } from "./run";

afterAll(removeTempDirs);
