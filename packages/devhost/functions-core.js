// `@offer-go-live/devhost/functions-core`: the `@azure/functions-core` a test of an app maps to (see README, "For tests").
module.exports = require('./dist/src/testing/functions-core');
