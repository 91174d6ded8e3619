'use client';
/**
 * Frames rendered for a video hold still: what moves by the screen's own clock (a number
 * counting up, the feed's rows entering one by one, CSS transitions) shows its end state at
 * once, so a frame is a function of the replayed moment alone, not of how long it took to render.
 */
import { createContext, useContext } from 'react';

export const StillFrames = createContext(false);

export const useStill = (): boolean => useContext(StillFrames);
