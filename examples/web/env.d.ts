/** The URL of the packed MNIST digits, emitted by the plugin in mnist-digits.ts. */
declare module 'virtual:mnist-digits' {
  const url: string;
  export default url;
}
