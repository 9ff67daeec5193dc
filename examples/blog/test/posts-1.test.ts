import { postsScenario } from './scenarios/posts.js';

postsScenario(1);
