/** Route-Security in the user agent (seeds 001/002, R21, R23, R25): the stage and what the Phone does with its verdicts. */
export { RouteSecurityCalls, type RefusedCall } from './call-views.js';
export { ownLinkLevel, ownLinkOf, transportOfUrl, type OwnLink, type OwnLinkSources } from './own-link.js';
export { refusalFromWarnings, refusalOutcome, refusalResponse, REFUSAL_REASON, REFUSAL_STATUS } from './refusal.js';
export { routeSecurityStage, type ChainChecked, type RouteSecurityOptions } from './stage.js';
export { routeSecurityView } from './view.js';
export { failureSentence, LEVEL_WORDS, levelPhrase, reportProblem, type Perspective } from './words.js';
